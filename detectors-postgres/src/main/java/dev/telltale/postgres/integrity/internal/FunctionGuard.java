package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The functions a configured fragment may call: those {@code pg_proc} marks immutable or stable (a read-only
 * transaction does not stop a volatile function from sleeping, taking an advisory lock, ending a backend or
 * writing through a side channel), minus a deny-list of non-volatile ones that still act or read outside the
 * database. A name with a volatile overload in any schema is refused: we do not resolve overloads the way the
 * planner will. Words that look like calls but are grammar ({@code coalesce(}, {@code cast(}, a type's
 * modifier) are let through without a catalog entry.
 */
final class FunctionGuard {
    private static final List<String> DENIED_PREFIXES = List.of("pg_sleep", "pg_advisory", "pg_try_advisory", "dblink",
            "lo_", "pg_read_", "pg_ls_", "pg_stat_file", "pg_file", "query_to_xml", "cursor_to_xml", "table_to_xml",
            "schema_to_xml", "database_to_xml");
    /** Transaction-id functions assign an xid (a write that ages the cluster) when none is assigned yet. */
    private static final Set<String> DENIED = Set.of("pg_terminate_backend", "pg_cancel_backend", "set_config",
            "pg_notify", "txid_current", "pg_current_xact_id", "pg_reload_conf");
    private static final Set<String> GRAMMAR = Set.of("and", "or", "not", "in", "exists", "any", "some", "all",
            "array", "row", "cast", "coalesce", "nullif", "greatest", "least", "extract", "position", "substring",
            "trim", "overlay", "values", "filter", "over", "within", "as", "is", "then", "else", "when", "case",
            "between", "like", "ilike", "similar", "escape", "interval", "collate", "using", "on", "select", "from",
            "where", "lateral", "join", "with", "by", "group", "order", "partition", "distinct", "varying",
            "character", "char", "decimal", "dec", "float", "precision", "time", "timestamp", "bit", "nchar",
            "national", "zone", "only", "grouping", "rollup", "cube", "sets", "xmlelement", "xmlforest", "xmlconcat",
            "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmlexists", "xmlattributes", "treat", "normalize",
            "json_object", "json_array", "json_objectagg", "json_arrayagg", "json", "json_scalar", "is_json", "unnest");

    private record Proc(String name, boolean volatileOverload) {
    }

    private FunctionGuard() {
    }

    /**
     * @throws IntegrityConfigException naming {@code what} and the function when the fragment calls one it may not
     */
    static void check(ReadOnlyTx tx, String what, String fragment) {
        Set<String> names = SqlFragment.functionsCalled(fragment);
        if (names.isEmpty()) {
            return;
        }
        for (String n : names) {
            if (denied(n)) {
                throw refuse(what, fragment, "calls " + n + "(), which a check may not call");
            }
        }
        Map<String, Proc> found = tx.list("integrity functions", "select p.proname::text as name, "
                        + "bool_or(p.provolatile not in ('i', 's')) as volatile_overload from pg_catalog.pg_proc p "
                        + "where p.proname = any(cast(:names as text[])) group by p.proname",
                        Map.of("names", names.toArray(String[]::new)), Proc.class)
                .stream().collect(Collectors.toMap(Proc::name, Function.identity()));
        for (String n : names) {
            Proc p = found.get(n);
            if (p == null) {
                if (!GRAMMAR.contains(n)) {
                    throw refuse(what, fragment, "calls " + n + "(), which is not a function on the server");
                }
            } else if (p.volatileOverload()) {
                throw refuse(what, fragment, "calls " + n + "(), which is volatile: a check may call only immutable "
                        + "or stable functions");
            }
        }
    }

    static boolean denied(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return DENIED.contains(n) || DENIED_PREFIXES.stream().anyMatch(n::startsWith);
    }

    private static IntegrityConfigException refuse(String what, String fragment, String why) {
        return new IntegrityConfigException(what + ": '" + fragment + "' " + why);
    }
}
