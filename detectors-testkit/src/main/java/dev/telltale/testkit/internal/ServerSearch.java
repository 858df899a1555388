package dev.telltale.testkit.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * How {@link PgServers} and {@link RedisServers} find a server: the configured sources tried in order, the first
 * that gives a server wins, and the outcome is kept per configuration, so a JVM starts at most one server of each
 * kind and later test classes fail fast with the same explanation.
 *
 * @param <C> what decides the server; two tests with equal choices share it
 * @param <S> the server
 */
final class ServerSearch<C extends ServerSearch.Choice, S> {
    /** The part of a configuration this search reads: the sources, in the order to try them. */
    interface Choice {
        List<String> sources();
    }

    /** One source's try: the server, or empty after telling {@code attempts} why not. */
    interface Source<C, S> {
        Optional<S> attempt(String source, C choice, Attempts attempts);
    }

    /** Either a server or the text explaining why there is none. */
    private record Outcome<S>(Optional<S> server, String failure) {
    }

    private final String backend;
    private final Logger log;
    private final Function<S, String> version;
    private final Function<S, String> where;
    private final String advice;
    private final ConcurrentMap<C, Outcome<S>> outcomes = new ConcurrentHashMap<>();

    /**
     * @param version what the log says of a server found, such as its version number
     * @param where   where it listens, without its password
     * @param advice  the last line of the failure: how to give the tests a server
     */
    ServerSearch(String backend, Logger log, Function<S, String> version, Function<S, String> where, String advice) {
        this.backend = backend;
        this.log = log;
        this.version = version;
        this.where = where;
        this.advice = advice;
    }

    /** The server for {@code choice}, searched on the first call with it. */
    S server(C choice, Source<C, S> source) {
        Outcome<S> outcome = outcomes.computeIfAbsent(choice, c -> search(c, source));
        return outcome.server().orElseThrow(() -> new BackendUnavailableException(outcome.failure()));
    }

    private Outcome<S> search(C choice, Source<C, S> source) {
        Attempts attempts = new Attempts(backend);
        for (String name : choice.sources()) {
            long started = System.nanoTime();
            Optional<S> server = source.attempt(name, choice, attempts);
            if (server.isPresent()) {
                log.info("{} {} for tests from {} ({}) in {} ms", backend, version.apply(server.get()), name,
                        where.apply(server.get()), (System.nanoTime() - started) / 1_000_000);
                return new Outcome<>(server, "");
            }
        }
        return new Outcome<>(Optional.empty(), attempts.message(advice));
    }
}
