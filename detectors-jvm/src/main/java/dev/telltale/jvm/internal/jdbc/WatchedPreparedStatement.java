package dev.telltale.jvm.internal.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Calendar;

/**
 * A prepared statement of a {@link WatchedConnection}. Each bind keeps only the hash of its value, by
 * parameter index, so the N+1 detector can tell a loop over distinct rows from the same lookup again;
 * primitives are hashed without boxing, and the array of hashes is allocated once per statement.
 */
public class WatchedPreparedStatement extends WatchedStatement implements PreparedStatement {
    private final PreparedStatement ps;
    final String sql;
    /** The hash of each bound value, by index - 1; {@code bound} is the highest index bound. */
    private int[] values;
    private int bound;

    WatchedPreparedStatement(PreparedStatement delegate, WatchedConnection connection, String sql) {
        super(delegate, connection);
        this.ps = delegate;
        this.sql = sql;
    }

    /** Equal for equal bind values; the SQL's own hash when nothing was bound. */
    @Override
    public int parameterHash(String sql) {
        if (bound == 0) {
            return sql.hashCode();
        }
        int h = 1;
        int[] v = values;
        for (int i = 0; i < bound; i++) {
            h = 31 * h + v[i];
        }
        return h;
    }

    final void bind(int index, int hash) {
        if (index < 1) {
            return;
        }
        int[] v = values;
        if (v == null || index > v.length) {
            v = grow(index);
        }
        v[index - 1] = hash;
        if (index > bound) {
            bound = index;
        }
    }

    private int[] grow(int index) {
        int[] v = new int[Math.max(index, values == null ? 4 : values.length * 2)];
        if (values != null) {
            System.arraycopy(values, 0, v, 0, bound);
        }
        values = v;
        return v;
    }

    static int hash(Object value) {
        return value == null ? 0 : value.hashCode();
    }

    /** A prepared statement's batch is known by its one SQL. */
    @Override
    String takeBatchSql() {
        return sql;
    }

    @Override
    public void clearParameters() throws SQLException {
        ps.clearParameters();
        if (values != null) {
            Arrays.fill(values, 0, bound, 0);
        }
        bound = 0;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        long start = System.nanoTime();
        ResultSet r;
        try {
            r = ps.executeQuery();
        } catch (Throwable e) {
            executed(sql, start, e, false);
            throw e;
        }
        executed(sql, start, null, false);
        return r;
    }

    @Override
    public boolean execute() throws SQLException {
        long start = System.nanoTime();
        boolean r;
        try {
            r = ps.execute();
        } catch (Throwable e) {
            executed(sql, start, e, false);
            throw e;
        }
        executed(sql, start, null, false);
        return r;
    }

    @Override
    public int executeUpdate() throws SQLException {
        long start = System.nanoTime();
        int r;
        try {
            r = ps.executeUpdate();
        } catch (Throwable e) {
            executed(sql, start, e, false);
            throw e;
        }
        executed(sql, start, null, false);
        return r;
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        long start = System.nanoTime();
        long r;
        try {
            r = ps.executeLargeUpdate();
        } catch (Throwable e) {
            executed(sql, start, e, false);
            throw e;
        }
        executed(sql, start, null, false);
        return r;
    }

    @Override
    public void addBatch() throws SQLException {
        ps.addBatch();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return ps.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return ps.getParameterMetaData();
    }

    @Override
    public void setArray(int index, Array x) throws SQLException {
        ps.setArray(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setAsciiStream(int index, InputStream x, int y) throws SQLException {
        ps.setAsciiStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setAsciiStream(int index, InputStream x, long y) throws SQLException {
        ps.setAsciiStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setAsciiStream(int index, InputStream x) throws SQLException {
        ps.setAsciiStream(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setBigDecimal(int index, BigDecimal x) throws SQLException {
        ps.setBigDecimal(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setBinaryStream(int index, InputStream x, int y) throws SQLException {
        ps.setBinaryStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setBinaryStream(int index, InputStream x, long y) throws SQLException {
        ps.setBinaryStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setBinaryStream(int index, InputStream x) throws SQLException {
        ps.setBinaryStream(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setBlob(int index, InputStream x, long y) throws SQLException {
        ps.setBlob(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setBlob(int index, InputStream x) throws SQLException {
        ps.setBlob(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setBlob(int index, Blob x) throws SQLException {
        ps.setBlob(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setBoolean(int index, boolean x) throws SQLException {
        ps.setBoolean(index, x);
        bind(index, Boolean.hashCode(x));
    }

    @Override
    public void setByte(int index, byte x) throws SQLException {
        ps.setByte(index, x);
        bind(index, x);
    }

    @Override
    public void setBytes(int index, byte[] x) throws SQLException {
        ps.setBytes(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setCharacterStream(int index, Reader x, int y) throws SQLException {
        ps.setCharacterStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setCharacterStream(int index, Reader x, long y) throws SQLException {
        ps.setCharacterStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setCharacterStream(int index, Reader x) throws SQLException {
        ps.setCharacterStream(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setClob(int index, Reader x, long y) throws SQLException {
        ps.setClob(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setClob(int index, Reader x) throws SQLException {
        ps.setClob(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setClob(int index, Clob x) throws SQLException {
        ps.setClob(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setDate(int index, Date x, Calendar y) throws SQLException {
        ps.setDate(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setDate(int index, Date x) throws SQLException {
        ps.setDate(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setDouble(int index, double x) throws SQLException {
        ps.setDouble(index, x);
        bind(index, Double.hashCode(x));
    }

    @Override
    public void setFloat(int index, float x) throws SQLException {
        ps.setFloat(index, x);
        bind(index, Float.hashCode(x));
    }

    @Override
    public void setInt(int index, int x) throws SQLException {
        ps.setInt(index, x);
        bind(index, x);
    }

    @Override
    public void setLong(int index, long x) throws SQLException {
        ps.setLong(index, x);
        bind(index, Long.hashCode(x));
    }

    @Override
    public void setNCharacterStream(int index, Reader x, long y) throws SQLException {
        ps.setNCharacterStream(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setNCharacterStream(int index, Reader x) throws SQLException {
        ps.setNCharacterStream(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setNClob(int index, Reader x, long y) throws SQLException {
        ps.setNClob(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setNClob(int index, Reader x) throws SQLException {
        ps.setNClob(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setNClob(int index, NClob x) throws SQLException {
        ps.setNClob(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setNString(int index, String x) throws SQLException {
        ps.setNString(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setNull(int index, int x, String y) throws SQLException {
        ps.setNull(index, x, y);
        bind(index, 0);
    }

    @Override
    public void setNull(int index, int x) throws SQLException {
        ps.setNull(index, x);
        bind(index, 0);
    }

    @Override
    public void setObject(int index, Object x, int y, int z) throws SQLException {
        ps.setObject(index, x, y, z);
        bind(index, hash(x));
    }

    @Override
    public void setObject(int index, Object x, int y) throws SQLException {
        ps.setObject(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setObject(int index, Object x, SQLType y, int z) throws SQLException {
        ps.setObject(index, x, y, z);
        bind(index, hash(x));
    }

    @Override
    public void setObject(int index, Object x, SQLType y) throws SQLException {
        ps.setObject(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setObject(int index, Object x) throws SQLException {
        ps.setObject(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setRef(int index, Ref x) throws SQLException {
        ps.setRef(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setRowId(int index, RowId x) throws SQLException {
        ps.setRowId(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setSQLXML(int index, SQLXML x) throws SQLException {
        ps.setSQLXML(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setShort(int index, short x) throws SQLException {
        ps.setShort(index, x);
        bind(index, x);
    }

    @Override
    public void setString(int index, String x) throws SQLException {
        ps.setString(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setTime(int index, Time x, Calendar y) throws SQLException {
        ps.setTime(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setTime(int index, Time x) throws SQLException {
        ps.setTime(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setTimestamp(int index, Timestamp x, Calendar y) throws SQLException {
        ps.setTimestamp(index, x, y);
        bind(index, hash(x));
    }

    @Override
    public void setTimestamp(int index, Timestamp x) throws SQLException {
        ps.setTimestamp(index, x);
        bind(index, hash(x));
    }

    @Override
    public void setURL(int index, URL x) throws SQLException {
        ps.setURL(index, x);
        bind(index, hash(x));
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int index, InputStream x, int y) throws SQLException {
        ps.setUnicodeStream(index, x, y);
        bind(index, hash(x));
    }
}
