package dev.telltale.jvm.internal;

import java.util.List;
import java.util.Optional;

/**
 * Finds the call site of a statement: the first frame of the application's code on the current stack.
 * When the application named its packages ({@code applicationPackages}), that is the first frame under
 * one of them; an application package wins over a framework prefix, so
 * {@code org.springframework.samples.petclinic} is the application although {@code org.springframework.}
 * is a framework. Otherwise (or when no frame is under them) it is the first frame under none of the
 * framework prefixes (JDK, Jakarta EE, JDBC drivers, pools, proxies, ORMs, Spring, servlet containers,
 * Telltale itself) nor the application's own extra ones.
 */
public final class CallSites {
    private static final StackWalker WALKER = StackWalker.getInstance();
    static final List<String> FRAMEWORK = List.of(
            "java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "net.ttddyy.", "com.zaxxer.", "org.postgresql.",
            "com.mysql.", "org.mariadb.", "oracle.jdbc.", "org.h2.", "org.hibernate.", "org.springframework.",
            "org.jdbi.", "org.jooq.", "org.apache.ibatis.", "org.mybatis.", "com.querydsl.", "io.micrometer.",
            "org.apache.catalina.", "org.apache.tomcat.", "org.apache.coyote.", "org.eclipse.jetty.", "io.undertow.",
            "io.netty.", "reactor.", "kotlin.", "scala.", "groovy.", "org.codehaus.groovy.", "dev.telltale.");

    private final List<String> application;
    private final List<String> extraFramework;

    public CallSites(List<String> applicationPackages, List<String> extraFramework) {
        this.application = List.copyOf(applicationPackages);
        this.extraFramework = List.copyOf(extraFramework);
    }

    public CallSites(List<String> extraFramework) {
        this(List.of(), extraFramework);
    }

    /** The call site on the current stack, such as {@code com.acme.OrderService.load(OrderService.java:42)}, or {@code unknown}. */
    public String capture() {
        Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> {
            StackWalker.StackFrame fallback = null;
            for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) s::iterator) {
                if (isNamedApplication(f.getClassName())) {
                    return Optional.of(f);
                }
                if (fallback == null && !isFramework(f.getClassName())) {
                    if (application.isEmpty()) {
                        return Optional.of(f);
                    }
                    fallback = f;
                }
            }
            return Optional.ofNullable(fallback);
        });
        return frame.map(f -> site(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber()))
                .orElse("unknown");
    }

    /** The call site of a given stack, innermost frame first, as {@link #capture()} finds it. */
    public String of(StackTraceElement[] stack) {
        StackTraceElement fallback = null;
        for (StackTraceElement e : stack) {
            if (isNamedApplication(e.getClassName())) {
                fallback = e;
                break;
            }
            if (fallback == null && !isFramework(e.getClassName())) {
                fallback = e;
                if (application.isEmpty()) {
                    break;
                }
            }
        }
        return fallback == null ? "unknown"
                : site(fallback.getClassName(), fallback.getMethodName(), fallback.getFileName(), fallback.getLineNumber());
    }

    private boolean isNamedApplication(String className) {
        return startsWithAny(className, application);
    }

    private boolean isFramework(String className) {
        return startsWithAny(className, FRAMEWORK) || startsWithAny(className, extraFramework);
    }

    private static boolean startsWithAny(String className, List<String> prefixes) {
        for (String p : prefixes) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static String site(String className, String method, String file, int line) {
        return className + "." + method + "(" + file + ":" + line + ")";
    }

    /** The top frames of a stack, one per line, for evidence. */
    public static String format(StackTraceElement[] stack, int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(depth, stack.length); i++) {
            if (i > 0) {
                b.append(" <- ");
            }
            b.append(stack[i]);
        }
        return b.toString();
    }
}
