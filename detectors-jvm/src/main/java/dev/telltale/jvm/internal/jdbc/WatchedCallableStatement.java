package dev.telltale.jvm.internal.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.HashMap;
import java.util.Map;

/**
 * A callable statement of a {@link WatchedConnection}. Values bound by parameter name are hashed into a
 * map allocated on the first such bind: calls by name are rare enough not to need the index path's care.
 */
public final class WatchedCallableStatement extends WatchedPreparedStatement implements CallableStatement {
    private final CallableStatement cs;
    private Map<String, Integer> named;

    WatchedCallableStatement(CallableStatement delegate, WatchedConnection connection, String sql) {
        super(delegate, connection, sql);
        this.cs = delegate;
    }

    @Override
    public int parameterHash(String sql) {
        int h = super.parameterHash(sql);
        return named == null ? h : 31 * h + named.hashCode();
    }

    private void bindNamed(String name, int hash) {
        if (named == null) {
            named = new HashMap<>();
        }
        named.put(name, hash);
    }

    @Override
    public void clearParameters() throws SQLException {
        super.clearParameters();
        named = null;
    }

    @Override
    public Array getArray(String name) throws SQLException {
        return cs.getArray(name);
    }

    @Override
    public Array getArray(int index) throws SQLException {
        return cs.getArray(index);
    }

    @Override
    public BigDecimal getBigDecimal(String name) throws SQLException {
        return cs.getBigDecimal(name);
    }

    @Deprecated
    @Override
    public BigDecimal getBigDecimal(int index, int x) throws SQLException {
        return cs.getBigDecimal(index, x);
    }

    @Override
    public BigDecimal getBigDecimal(int index) throws SQLException {
        return cs.getBigDecimal(index);
    }

    @Override
    public Blob getBlob(String name) throws SQLException {
        return cs.getBlob(name);
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        return cs.getBlob(index);
    }

    @Override
    public boolean getBoolean(String name) throws SQLException {
        return cs.getBoolean(name);
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return cs.getBoolean(index);
    }

    @Override
    public byte getByte(String name) throws SQLException {
        return cs.getByte(name);
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return cs.getByte(index);
    }

    @Override
    public byte[] getBytes(String name) throws SQLException {
        return cs.getBytes(name);
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        return cs.getBytes(index);
    }

    @Override
    public Reader getCharacterStream(String name) throws SQLException {
        return cs.getCharacterStream(name);
    }

    @Override
    public Reader getCharacterStream(int index) throws SQLException {
        return cs.getCharacterStream(index);
    }

    @Override
    public Clob getClob(String name) throws SQLException {
        return cs.getClob(name);
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        return cs.getClob(index);
    }

    @Override
    public Date getDate(String name, Calendar x) throws SQLException {
        return cs.getDate(name, x);
    }

    @Override
    public Date getDate(String name) throws SQLException {
        return cs.getDate(name);
    }

    @Override
    public Date getDate(int index, Calendar x) throws SQLException {
        return cs.getDate(index, x);
    }

    @Override
    public Date getDate(int index) throws SQLException {
        return cs.getDate(index);
    }

    @Override
    public double getDouble(String name) throws SQLException {
        return cs.getDouble(name);
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return cs.getDouble(index);
    }

    @Override
    public float getFloat(String name) throws SQLException {
        return cs.getFloat(name);
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return cs.getFloat(index);
    }

    @Override
    public int getInt(String name) throws SQLException {
        return cs.getInt(name);
    }

    @Override
    public int getInt(int index) throws SQLException {
        return cs.getInt(index);
    }

    @Override
    public long getLong(String name) throws SQLException {
        return cs.getLong(name);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return cs.getLong(index);
    }

    @Override
    public Reader getNCharacterStream(String name) throws SQLException {
        return cs.getNCharacterStream(name);
    }

    @Override
    public Reader getNCharacterStream(int index) throws SQLException {
        return cs.getNCharacterStream(index);
    }

    @Override
    public NClob getNClob(String name) throws SQLException {
        return cs.getNClob(name);
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        return cs.getNClob(index);
    }

    @Override
    public String getNString(String name) throws SQLException {
        return cs.getNString(name);
    }

    @Override
    public String getNString(int index) throws SQLException {
        return cs.getNString(index);
    }

    @Override
    public <T> T getObject(String name, Class<T> x) throws SQLException {
        return cs.getObject(name, x);
    }

    @Override
    public Object getObject(String name, Map<String, Class<?>> x) throws SQLException {
        return cs.getObject(name, x);
    }

    @Override
    public Object getObject(String name) throws SQLException {
        return cs.getObject(name);
    }

    @Override
    public <T> T getObject(int index, Class<T> x) throws SQLException {
        return cs.getObject(index, x);
    }

    @Override
    public Object getObject(int index, Map<String, Class<?>> x) throws SQLException {
        return cs.getObject(index, x);
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return cs.getObject(index);
    }

    @Override
    public Ref getRef(String name) throws SQLException {
        return cs.getRef(name);
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        return cs.getRef(index);
    }

    @Override
    public RowId getRowId(String name) throws SQLException {
        return cs.getRowId(name);
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        return cs.getRowId(index);
    }

    @Override
    public SQLXML getSQLXML(String name) throws SQLException {
        return cs.getSQLXML(name);
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        return cs.getSQLXML(index);
    }

    @Override
    public short getShort(String name) throws SQLException {
        return cs.getShort(name);
    }

    @Override
    public short getShort(int index) throws SQLException {
        return cs.getShort(index);
    }

    @Override
    public String getString(String name) throws SQLException {
        return cs.getString(name);
    }

    @Override
    public String getString(int index) throws SQLException {
        return cs.getString(index);
    }

    @Override
    public Time getTime(String name, Calendar x) throws SQLException {
        return cs.getTime(name, x);
    }

    @Override
    public Time getTime(String name) throws SQLException {
        return cs.getTime(name);
    }

    @Override
    public Time getTime(int index, Calendar x) throws SQLException {
        return cs.getTime(index, x);
    }

    @Override
    public Time getTime(int index) throws SQLException {
        return cs.getTime(index);
    }

    @Override
    public Timestamp getTimestamp(String name, Calendar x) throws SQLException {
        return cs.getTimestamp(name, x);
    }

    @Override
    public Timestamp getTimestamp(String name) throws SQLException {
        return cs.getTimestamp(name);
    }

    @Override
    public Timestamp getTimestamp(int index, Calendar x) throws SQLException {
        return cs.getTimestamp(index, x);
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        return cs.getTimestamp(index);
    }

    @Override
    public URL getURL(String name) throws SQLException {
        return cs.getURL(name);
    }

    @Override
    public URL getURL(int index) throws SQLException {
        return cs.getURL(index);
    }

    @Override
    public void registerOutParameter(String name, int x, String y) throws SQLException {
        cs.registerOutParameter(name, x, y);
    }

    @Override
    public void registerOutParameter(String name, int x, int y) throws SQLException {
        cs.registerOutParameter(name, x, y);
    }

    @Override
    public void registerOutParameter(String name, int x) throws SQLException {
        cs.registerOutParameter(name, x);
    }

    @Override
    public void registerOutParameter(String name, SQLType x, String y) throws SQLException {
        cs.registerOutParameter(name, x, y);
    }

    @Override
    public void registerOutParameter(String name, SQLType x, int y) throws SQLException {
        cs.registerOutParameter(name, x, y);
    }

    @Override
    public void registerOutParameter(String name, SQLType x) throws SQLException {
        cs.registerOutParameter(name, x);
    }

    @Override
    public void registerOutParameter(int index, int x, String y) throws SQLException {
        cs.registerOutParameter(index, x, y);
    }

    @Override
    public void registerOutParameter(int index, int x, int y) throws SQLException {
        cs.registerOutParameter(index, x, y);
    }

    @Override
    public void registerOutParameter(int index, int x) throws SQLException {
        cs.registerOutParameter(index, x);
    }

    @Override
    public void registerOutParameter(int index, SQLType x, String y) throws SQLException {
        cs.registerOutParameter(index, x, y);
    }

    @Override
    public void registerOutParameter(int index, SQLType x, int y) throws SQLException {
        cs.registerOutParameter(index, x, y);
    }

    @Override
    public void registerOutParameter(int index, SQLType x) throws SQLException {
        cs.registerOutParameter(index, x);
    }

    @Override
    public void setAsciiStream(String name, InputStream x, int y) throws SQLException {
        cs.setAsciiStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setAsciiStream(String name, InputStream x, long y) throws SQLException {
        cs.setAsciiStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setAsciiStream(String name, InputStream x) throws SQLException {
        cs.setAsciiStream(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBigDecimal(String name, BigDecimal x) throws SQLException {
        cs.setBigDecimal(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBinaryStream(String name, InputStream x, int y) throws SQLException {
        cs.setBinaryStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBinaryStream(String name, InputStream x, long y) throws SQLException {
        cs.setBinaryStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBinaryStream(String name, InputStream x) throws SQLException {
        cs.setBinaryStream(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBlob(String name, InputStream x, long y) throws SQLException {
        cs.setBlob(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBlob(String name, InputStream x) throws SQLException {
        cs.setBlob(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBlob(String name, Blob x) throws SQLException {
        cs.setBlob(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setBoolean(String name, boolean x) throws SQLException {
        cs.setBoolean(name, x);
        bindNamed(name, Boolean.hashCode(x));
    }

    @Override
    public void setByte(String name, byte x) throws SQLException {
        cs.setByte(name, x);
        bindNamed(name, x);
    }

    @Override
    public void setBytes(String name, byte[] x) throws SQLException {
        cs.setBytes(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setCharacterStream(String name, Reader x, int y) throws SQLException {
        cs.setCharacterStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setCharacterStream(String name, Reader x, long y) throws SQLException {
        cs.setCharacterStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setCharacterStream(String name, Reader x) throws SQLException {
        cs.setCharacterStream(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setClob(String name, Reader x, long y) throws SQLException {
        cs.setClob(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setClob(String name, Reader x) throws SQLException {
        cs.setClob(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setClob(String name, Clob x) throws SQLException {
        cs.setClob(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setDate(String name, Date x, Calendar y) throws SQLException {
        cs.setDate(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setDate(String name, Date x) throws SQLException {
        cs.setDate(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setDouble(String name, double x) throws SQLException {
        cs.setDouble(name, x);
        bindNamed(name, Double.hashCode(x));
    }

    @Override
    public void setFloat(String name, float x) throws SQLException {
        cs.setFloat(name, x);
        bindNamed(name, Float.hashCode(x));
    }

    @Override
    public void setInt(String name, int x) throws SQLException {
        cs.setInt(name, x);
        bindNamed(name, x);
    }

    @Override
    public void setLong(String name, long x) throws SQLException {
        cs.setLong(name, x);
        bindNamed(name, Long.hashCode(x));
    }

    @Override
    public void setNCharacterStream(String name, Reader x, long y) throws SQLException {
        cs.setNCharacterStream(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setNCharacterStream(String name, Reader x) throws SQLException {
        cs.setNCharacterStream(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setNClob(String name, Reader x, long y) throws SQLException {
        cs.setNClob(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setNClob(String name, Reader x) throws SQLException {
        cs.setNClob(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setNClob(String name, NClob x) throws SQLException {
        cs.setNClob(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setNString(String name, String x) throws SQLException {
        cs.setNString(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setNull(String name, int x, String y) throws SQLException {
        cs.setNull(name, x, y);
        bindNamed(name, 0);
    }

    @Override
    public void setNull(String name, int x) throws SQLException {
        cs.setNull(name, x);
        bindNamed(name, 0);
    }

    @Override
    public void setObject(String name, Object x, int y, int z) throws SQLException {
        cs.setObject(name, x, y, z);
        bindNamed(name, hash(x));
    }

    @Override
    public void setObject(String name, Object x, int y) throws SQLException {
        cs.setObject(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setObject(String name, Object x, SQLType y, int z) throws SQLException {
        cs.setObject(name, x, y, z);
        bindNamed(name, hash(x));
    }

    @Override
    public void setObject(String name, Object x, SQLType y) throws SQLException {
        cs.setObject(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setObject(String name, Object x) throws SQLException {
        cs.setObject(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setRowId(String name, RowId x) throws SQLException {
        cs.setRowId(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setSQLXML(String name, SQLXML x) throws SQLException {
        cs.setSQLXML(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setShort(String name, short x) throws SQLException {
        cs.setShort(name, x);
        bindNamed(name, x);
    }

    @Override
    public void setString(String name, String x) throws SQLException {
        cs.setString(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setTime(String name, Time x, Calendar y) throws SQLException {
        cs.setTime(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setTime(String name, Time x) throws SQLException {
        cs.setTime(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setTimestamp(String name, Timestamp x, Calendar y) throws SQLException {
        cs.setTimestamp(name, x, y);
        bindNamed(name, hash(x));
    }

    @Override
    public void setTimestamp(String name, Timestamp x) throws SQLException {
        cs.setTimestamp(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public void setURL(String name, URL x) throws SQLException {
        cs.setURL(name, x);
        bindNamed(name, hash(x));
    }

    @Override
    public boolean wasNull() throws SQLException {
        return cs.wasNull();
    }
}
