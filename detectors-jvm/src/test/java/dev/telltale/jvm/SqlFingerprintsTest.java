package dev.telltale.jvm;

import dev.telltale.jvm.internal.CallSites;
import dev.telltale.jvm.internal.SqlFingerprints;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.telltale.jvm.internal.SqlFingerprints.normalize;
import static org.assertj.core.api.Assertions.assertThat;

class SqlFingerprintsTest {

    @Test
    void literalsBindMarkersAndCommentsGo() {
        assertThat(normalize("SELECT name FROM customers WHERE id = 42")).isEqualTo("select name from customers where id = ?");
        assertThat(normalize("select * from t where a = 'it''s' and b = -1.5e3 /* x */ -- y\n and c = $1"))
                .isEqualTo("select * from t where a = ? and b = ? and c = ?");
        assertThat(normalize("select \"Weird Col\" from t2 where flag = true and x is null"))
                .isEqualTo("select \"Weird Col\" from t2 where flag = ? and x is ?");
        assertThat(normalize("select $tag$ body $tag$, t1.c2 from t1")).isEqualTo("select ?, t1.c2 from t1");
    }

    @Test
    void inListsAndMultiRowValuesCollapse() {
        assertThat(normalize("select * from t where id in (?, ?, ?)")).isEqualTo("select * from t where id in (?)");
        assertThat(normalize("select * from t where id IN (1,2 , 3,4)")).isEqualTo("select * from t where id in (?)");
        assertThat(normalize("insert into t (a, b) values (?, ?), (?, ?), (?, ?)")).isEqualTo("insert into t (a, b) values (?, ?)");
    }

    @Test
    void theCachesStayBoundedWhateverTheNumberOfDistinctStrings() {
        SqlFingerprints fingerprints = new SqlFingerprints(1024, new CallSites(List.of()));
        for (int i = 0; i < 200_000; i++) {
            fingerprints.of("select * from t" + (i % 5000) + " where id = " + i);
        }
        assertThat(fingerprints.cachedSqlCount()).isLessThanOrEqualTo(1024 + 1);
        assertThat(fingerprints.fingerprintCount()).isLessThanOrEqualTo(1024 + 1);
        assertThat(fingerprints.of("select * from t7 where id = 1")).isSameAs(fingerprints.of("select * from t7 where id = 2"));
    }
}
