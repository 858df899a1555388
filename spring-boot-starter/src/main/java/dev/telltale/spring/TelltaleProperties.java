package dev.telltale.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code telltale.*} properties. Detector settings use the library's flat keys under
 * {@code telltale.detectors}: {@code telltale.detectors.jdbc.n-plus-one.min-count=10}; one target's own value goes
 * under {@code telltale.targets.<target>}: {@code telltale.targets.orders-db.postgres.lock-waits.warning=5s}.
 * Every value is checked against the detector's spec when the context starts.
 */
@ConfigurationProperties(prefix = "telltale")
public class TelltaleProperties {
    /** Whether Telltale runs in this application at all. */
    private boolean enabled = true;

    /** The target name of the in-process detectors (the {@code target} tag). Default: spring.application.name, else "app". */
    private String target;

    /**
     * Package prefixes of the application's own code: the call site of a statement is the first frame under one.
     * Default: the package of the @SpringBootApplication class.
     */
    private List<String> applicationPackages = new ArrayList<>();

    /** Detector settings by flat key, {@code <detector>.<setting>}, for every target; listed by 'telltale list'. */
    private Map<String, String> detectors = new LinkedHashMap<>();

    /** Detector settings of one target, by target name then flat key {@code <detector>.<setting>}; they win over telltale.detectors. */
    private Map<String, Map<String, String>> targets = new LinkedHashMap<>();

    private final Web web = new Web();
    private final Scheduling scheduling = new Scheduling();
    private final Caches caches = new Caches();
    private final Health health = new Health();
    private final Postgres postgres = new Postgres();
    private final Redis redis = new Redis();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }

    public List<String> getApplicationPackages() {
        return applicationPackages;
    }

    public void setApplicationPackages(List<String> applicationPackages) {
        this.applicationPackages = applicationPackages;
    }

    public Map<String, String> getDetectors() {
        return detectors;
    }

    public void setDetectors(Map<String, String> detectors) {
        this.detectors = detectors;
    }

    public Map<String, Map<String, String>> getTargets() {
        return targets;
    }

    public void setTargets(Map<String, Map<String, String>> targets) {
        this.targets = targets;
    }

    public Web getWeb() {
        return web;
    }

    public Scheduling getScheduling() {
        return scheduling;
    }

    public Caches getCaches() {
        return caches;
    }

    public Health getHealth() {
        return health;
    }

    public Postgres getPostgres() {
        return postgres;
    }

    public Redis getRedis() {
        return redis;
    }

    /** Units of work from web requests. */
    public static class Web {
        /** Whether every web request is a unit of work named by its method and route template, such as "GET /owners/{ownerId}". */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Units of work from scheduled jobs. */
    public static class Scheduling {
        /** Whether every run of a @Scheduled method is a unit of work named after its class and method, such as "scheduled ClinicJobs.nightlyReport". */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The caches of the application's CacheManager beans. */
    public static class Caches {
        /** Whether the caches of every CacheManager bean are watched for stampedes (concurrent loads of one key, hit-ratio collapse), those created after start-up included. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The health contributor "telltale". */
    public static class Health {
        /** Whether the contributor is registered. */
        private boolean enabled = true;

        /**
         * Whether a firing CRITICAL finding turns the contributor DOWN. Off by default: a database finding must not
         * restart pods; turn it on only for a readiness group.
         */
        private boolean downOnCritical = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isDownOnCritical() {
            return downOnCritical;
        }

        public void setDownOnCritical(boolean downOnCritical) {
            this.downOnCritical = downOnCritical;
        }
    }

    /** Server-side PostgreSQL detectors, over their own connection (never the application's pool). */
    public static class Postgres {
        /** JDBC URL of the server to watch, such as jdbc:postgresql://db:5432/shop. Unset: no server-side detectors. */
        private String url;

        /** Password of the monitoring connection. */
        private String password;

        /** Target name of the server-side detectors. */
        private String name = "postgres";

        /**
         * Integrity checks over the application's tables, by check kind (negative-values, duplicates, orphans, ...), each
         * a list of checks with the settings of the integrity: section of telltale.yaml.
         */
        private Map<String, List<Map<String, Object>>> integrity = new LinkedHashMap<>();

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Map<String, List<Map<String, Object>>> getIntegrity() {
            return integrity;
        }

        public void setIntegrity(Map<String, List<Map<String, Object>>> integrity) {
            this.integrity = integrity;
        }
    }

    /** Redis detectors through the application's Lettuce client (Telltale opens a connection of its own from it). */
    public static class Redis {
        /** Whether the Redis server behind the application's LettuceConnectionFactory is watched. */
        private boolean enabled = false;

        /** Target name of the Redis detectors. */
        private String name = "redis";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }
}
