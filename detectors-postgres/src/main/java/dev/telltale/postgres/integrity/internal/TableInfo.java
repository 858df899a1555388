package dev.telltale.postgres.integrity.internal;

import dev.telltale.postgres.integrity.IntegrityConfigException;
import dev.telltale.postgres.internal.ReadOnlyTx;
import dev.telltale.postgres.internal.SqlFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the server says a configured table is: its columns with their types, and its primary key. */
public record TableInfo(Ident table, Map<String, Column> columns, List<String> primaryKey) {
    private static final SqlFile<ColumnRow> COLUMNS = SqlFile.load(TableInfo.class, "table-columns", ColumnRow.class);

    private record ColumnRow(String name, String type, String category, Integer pkPosition) {
    }

    /** One column; {@code category} is {@code pg_type.typcategory} (N numeric, D date/time, S string...). */
    public record Column(String name, String type, char category) {
        public boolean numeric() {
            return category == 'N';
        }

        public boolean temporal() {
            return category == 'D';
        }
    }

    /**
     * Reads the table from the catalog.
     *
     * @throws IntegrityConfigException naming {@code what} when the table does not exist (or is not visible)
     */
    public static TableInfo read(ReadOnlyTx tx, String what, Ident table) {
        Map<String, Column> columns = new LinkedHashMap<>();
        TreeMap<Integer, String> pk = new TreeMap<>();
        for (ColumnRow r : tx.list(COLUMNS, Map.of("qualified", table.quoted()))) {
            columns.put(r.name(), new Column(r.name(), r.type(), r.category().charAt(0)));
            if (r.pkPosition() != null) {
                pk.put(r.pkPosition(), r.name());
            }
        }
        if (columns.isEmpty()) {
            throw new IntegrityConfigException(what + ": table '" + table + "' does not exist on the server "
                    + "(or this role cannot see it; names are case-sensitive as written)");
        }
        return new TableInfo(table, columns, new ArrayList<>(pk.values()));
    }

    public Column column(String what, String name) {
        Column c = columns.get(name);
        if (c == null) {
            throw new IntegrityConfigException(what + ": column '" + name + "' does not exist in table '" + table
                    + "' (it has " + String.join(", ", columns.keySet()) + ")");
        }
        return c;
    }

    /** The given key columns, checked, or the primary key when none are given. */
    public List<String> keyOrPrimary(String what, List<String> given) {
        if (!given.isEmpty()) {
            given.forEach(c -> column(what, c));
            return given;
        }
        if (primaryKey.isEmpty()) {
            throw new IntegrityConfigException(what + ": table '" + table + "' has no primary key; name the key columns");
        }
        return primaryKey;
    }
}
