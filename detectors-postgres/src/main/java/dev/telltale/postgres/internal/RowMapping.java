package dev.telltale.postgres.internal;

import org.postgresql.util.PGInterval;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the rows of a query become Java values, strictly: a record takes one column per component, matched by
 * name ({@code snake_case} column to {@code camelCase} component), and no column may be left over; a
 * scalar type ({@code String.class}, {@code Long.class}, ...) takes a query of exactly one column. The
 * check runs on the result's metadata, before the first row, so an empty result is checked too.
 *
 * <p>Types, by component type and the server types it accepts:
 * <ul>
 *   <li>{@code String}: text, varchar, char, name, inet, cidr, uuid, json(b), pg_lsn, reg* types</li>
 *   <li>{@code int}, {@code long} and boxed: int2, int4, int8, oid, numeric (the driver refuses a fraction
 *       or an overflow); {@code double} and boxed: those and float4, float8; {@code BigDecimal}: numeric and
 *       the integer types; {@code boolean} and boxed: bool</li>
 *   <li>{@code Instant}, {@code OffsetDateTime}: timestamptz; {@code Duration}: interval (a month is 30
 *       days, a year 365.25 days, as {@code extract(epoch from ...)} counts them)</li>
 *   <li>{@code List<String>}, {@code List<Integer>}, {@code List<Long>}: arrays of those; SQL null is the
 *       empty list and null elements are dropped</li>
 *   <li>{@code Optional<T>} of any of the scalars: empty for SQL null</li>
 * </ul>
 * SQL null becomes null in a boxed or object component and, as in JDBC, 0 or false in a primitive one:
 * a nullable column the code must tell apart belongs in a boxed or {@code Optional} component.
 */
final class RowMapping<R> {
    private static final Set<String> INTEGRAL = Set.of("int2", "int4", "int8", "oid", "numeric");
    private static final Set<String> FRACTIONAL = Set.of("int2", "int4", "int8", "oid", "numeric", "float4", "float8");
    private static final Set<String> TEXTUAL = Set.of("text", "varchar", "bpchar", "char", "name", "inet", "cidr",
            "uuid", "json", "jsonb", "xml", "pg_lsn", "regclass", "regtype", "regproc", "regnamespace", "regrole");
    private static final ClassValue<RowMapping<?>> CACHE = new ClassValue<>() {
        @Override
        protected RowMapping<?> computeValue(Class<?> type) {
            return build(type);
        }
    };

    /** Reads one column into a value of the component's type. */
    @FunctionalInterface
    private interface Reader {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    /** One target slot: a record component, or the single value of a scalar query. */
    private record Slot(String column, String javaType, Set<String> accepts, Reader reader) {
    }

    private final Class<R> type;
    private final List<Slot> slots;
    private final Constructor<R> constructor;

    private RowMapping(Class<R> type, List<Slot> slots, Constructor<R> constructor) {
        this.type = type;
        this.slots = slots;
        this.constructor = constructor;
    }

    @SuppressWarnings("unchecked")
    static <R> RowMapping<R> of(Class<R> type) {
        return (RowMapping<R>) CACHE.get(type);
    }

    /** A query's rows, read in the column order the metadata revealed. */
    interface Rows<R> {
        R read(ResultSet rs) throws SQLException;
    }

    /**
     * Matches the query's columns against the type.
     *
     * @param query the query's name, for the message
     * @throws IllegalStateException naming the query, the type and every missing, extra or mistyped column
     */
    Rows<R> bind(String query, ResultSetMetaData md) throws SQLException {
        Map<String, Integer> index = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String label = md.getColumnLabel(i);
            index.putIfAbsent(label, i);
            types.putIfAbsent(label, md.getColumnTypeName(i));
        }
        List<String> problems = new ArrayList<>();
        int[] at = new int[slots.size()];
        if (constructor == null) {
            if (index.size() != 1 || md.getColumnCount() != 1) {
                problems.add("a " + type.getSimpleName() + " result needs exactly one column, the query returns "
                        + md.getColumnCount() + " " + index.keySet());
            } else {
                at[0] = 1;
                checkType(slots.get(0), index.keySet().iterator().next(), md.getColumnTypeName(1), problems);
            }
        } else {
            if (index.size() != md.getColumnCount()) {
                problems.add("the query returns a column name twice " + columnsOf(md));
            }
            TreeSet<String> extra = new TreeSet<>(index.keySet());
            for (int s = 0; s < slots.size(); s++) {
                Slot slot = slots.get(s);
                Integer i = index.get(slot.column());
                extra.remove(slot.column());
                if (i == null) {
                    problems.add("missing column " + slot.column() + " for component " + slot.javaType());
                } else {
                    at[s] = i;
                    checkType(slot, slot.column(), types.get(slot.column()), problems);
                }
            }
            extra.forEach(c -> problems.add("extra column " + c + " (" + types.get(c) + ") has no component"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("query " + query + " does not match record " + type.getName() + ": "
                    + String.join("; ", problems));
        }
        return rs -> read(rs, at);
    }

    private static void checkType(Slot slot, String column, String sqlType, List<String> problems) {
        if (!slot.accepts().contains(sqlType)) {
            problems.add("column " + column + " is " + sqlType + ", which does not map to " + slot.javaType());
        }
    }

    private R read(ResultSet rs, int[] at) throws SQLException {
        Object[] values = new Object[slots.size()];
        for (int s = 0; s < values.length; s++) {
            values[s] = slots.get(s).reader().read(rs, at[s]);
        }
        if (constructor == null) {
            return type.cast(values[0]);
        }
        try {
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot make a " + type.getName() + " from a row: " + cause, cause);
        }
    }

    private static String columnsOf(ResultSetMetaData md) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            names.add(md.getColumnLabel(i));
        }
        return names.toString();
    }

    private static <R> RowMapping<R> build(Class<R> type) {
        if (!type.isRecord()) {
            Slot slot = slot("(value)", type, type, type.getName());
            return new RowMapping<>(type, List.of(slot), null);
        }
        RecordComponent[] components = type.getRecordComponents();
        List<Slot> slots = new ArrayList<>();
        Class<?>[] raw = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            raw[i] = c.getType();
            slots.add(slot(snake(c.getName()), c.getType(), c.getGenericType(), type.getSimpleName() + "." + c.getName()));
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(raw);
            ctor.setAccessible(true);
            return new RowMapping<>(type, List.copyOf(slots), ctor);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
    }

    private static Slot slot(String column, Class<?> raw, Type generic, String where) {
        String javaType = where + " (" + generic.getTypeName().replaceAll("[a-z]+\\.", "") + ")";
        if (raw == Optional.class) {
            Class<?> inner = typeArgument(generic, where);
            Slot s = slot(column, inner, inner, where);
            Reader r = s.reader();
            return new Slot(column, javaType, s.accepts(), (rs, i) -> Optional.ofNullable(r.read(rs, i)));
        }
        if (raw == List.class) {
            Class<?> element = typeArgument(generic, where);
            Set<String> accepts;
            if (element == String.class) {
                accepts = Set.of("_text", "_varchar", "_bpchar", "_name");
            } else if (element == Integer.class) {
                accepts = Set.of("_int2", "_int4");
            } else if (element == Long.class) {
                accepts = Set.of("_int2", "_int4", "_int8", "_oid");
            } else {
                throw new IllegalStateException(where + ": List<" + element.getSimpleName() + "> is not supported");
            }
            return new Slot(column, javaType, accepts, (rs, i) -> list(rs.getArray(i), element));
        }
        Slot s = scalar(column, raw, javaType);
        if (s == null) {
            throw new IllegalStateException(where + ": type " + generic.getTypeName() + " is not supported");
        }
        return s;
    }

    private static Slot scalar(String column, Class<?> t, String javaType) {
        if (t == String.class) {
            return new Slot(column, javaType, TEXTUAL, ResultSet::getString);
        } else if (t == long.class) {
            return new Slot(column, javaType, INTEGRAL, ResultSet::getLong);
        } else if (t == Long.class) {
            return new Slot(column, javaType, INTEGRAL, (rs, i) -> boxed(rs, rs.getLong(i)));
        } else if (t == int.class) {
            return new Slot(column, javaType, INTEGRAL, ResultSet::getInt);
        } else if (t == Integer.class) {
            return new Slot(column, javaType, INTEGRAL, (rs, i) -> boxed(rs, rs.getInt(i)));
        } else if (t == double.class) {
            return new Slot(column, javaType, FRACTIONAL, ResultSet::getDouble);
        } else if (t == Double.class) {
            return new Slot(column, javaType, FRACTIONAL, (rs, i) -> boxed(rs, rs.getDouble(i)));
        } else if (t == boolean.class) {
            return new Slot(column, javaType, Set.of("bool"), ResultSet::getBoolean);
        } else if (t == Boolean.class) {
            return new Slot(column, javaType, Set.of("bool"), (rs, i) -> boxed(rs, rs.getBoolean(i)));
        } else if (t == BigDecimal.class) {
            return new Slot(column, javaType, INTEGRAL, ResultSet::getBigDecimal);
        } else if (t == Instant.class) {
            return new Slot(column, javaType, Set.of("timestamptz"), (rs, i) -> {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                return v == null ? null : v.toInstant();
            });
        } else if (t == OffsetDateTime.class) {
            return new Slot(column, javaType, Set.of("timestamptz"), (rs, i) -> rs.getObject(i, OffsetDateTime.class));
        } else if (t == Duration.class) {
            return new Slot(column, javaType, Set.of("interval"), (rs, i) -> duration((PGInterval) rs.getObject(i)));
        }
        return null;
    }

    private static Object boxed(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    private static Duration duration(PGInterval v) {
        if (v == null) {
            return null;
        }
        long months = v.getYears() * 12L + v.getMonths();
        double days = (months / 12) * 365.25 + (months % 12) * 30 + v.getDays();
        long micros = Math.round(days * 86_400_000_000d) + ((v.getHours() * 60L + v.getMinutes()) * 60L) * 1_000_000L
                + Math.round(v.getSeconds() * 1_000_000d);
        return Duration.ofNanos(micros * 1000);
    }

    private static List<Object> list(Array array, Class<?> element) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            if (o == null) {
                continue;
            }
            if (element == String.class) {
                out.add(o.toString());
            } else if (element == Integer.class) {
                out.add(((Number) o).intValue());
            } else {
                out.add(((Number) o).longValue());
            }
        }
        return List.copyOf(out);
    }

    private static Class<?> typeArgument(Type generic, String where) {
        if (generic instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        throw new IllegalStateException(where + ": " + generic.getTypeName() + " needs a concrete type argument");
    }

    /** {@code xminAge} to {@code xmin_age}. */
    static String snake(String component) {
        StringBuilder b = new StringBuilder();
        for (char c : component.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
