package dev.telltale.specgen;

import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcDelegatesTest {
    private static JdbcDelegates.Wrapper wrapper(Class<?> iface) {
        return JdbcDelegates.WRAPPERS.stream().filter(w -> w.iface() == iface).findFirst().orElseThrow();
    }

    private static String method(String source, String signature) {
        int start = source.indexOf(signature);
        assertThat(start).as(signature).isNotNegative();
        return source.substring(start, source.indexOf("\n    }\n", start));
    }

    @Test
    void aStatementExecutionIsTimedAroundTheDriversCallWithItsSql() {
        String source = JdbcDelegates.generate(wrapper(Statement.class));
        assertThat(method(source, "public int executeUpdate(java.lang.String a0, int a1)")).contains(
                "long start = System.nanoTime();", "r = delegate.executeUpdate(a0, a1);",
                "executed(a0, start, e, false);\n            throw e;", "executed(a0, start, null, false);\n        return r;");
        assertThat(method(source, "public int[] executeBatch()"))
                .contains("String sql = takeBatchSql();", "executed(sql, start, e, true);");
        assertThat(method(source, "public int getFetchSize()")).endsWith("return delegate.getFetchSize();");
        assertThat(source).doesNotContain(" addBatch(", " getConnection(");
    }

    @Test
    void aPreparedBindKeepsTheHashOfItsValueWithoutBoxing() {
        String source = JdbcDelegates.generate(wrapper(PreparedStatement.class));
        assertThat(method(source, "public void setLong(int a0, long a1)"))
                .contains("ps.setLong(a0, a1);\n        bind(a0, Long.hashCode(a1));");
        assertThat(method(source, "public void setInt(int a0, int a1)")).contains("bind(a0, a1);");
        assertThat(method(source, "public void setString(int a0, java.lang.String a1)"))
                .contains("bind(a0, java.util.Objects.hashCode(a1));");
        assertThat(method(source, "public void setNull(int a0, int a1)")).contains("bind(a0, 0);");
        assertThat(method(source, "public java.sql.ResultSet executeQuery()")).contains("executed(sql, start, null, false);");
        assertThat(source).contains("@Deprecated\n    @Override\n    public void setUnicodeStream(");
    }

    @Test
    void theHandWrittenMethodsAreLeftOutAndNoMethodIsGeneratedTwice() {
        for (JdbcDelegates.Wrapper w : JdbcDelegates.WRAPPERS) {
            List<String> signatures = JdbcDelegates.methods(w).stream()
                    .map(m -> m.getName() + List.of(m.getParameterTypes())).toList();
            assertThat(signatures).as(w.name()).doesNotHaveDuplicates()
                    .noneMatch(s -> w.handWritten().contains(s.substring(0, s.indexOf('['))));
        }
        // left at its default, unsupported: a builder of the delegate would hand out connections nobody watches
        assertThat(JdbcDelegates.generate(wrapper(DataSource.class))).doesNotContain("createConnectionBuilder");
    }
}
