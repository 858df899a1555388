package dev.telltale.examples.jvm;

import dev.telltale.core.Finding;
import dev.telltale.core.Report;
import dev.telltale.testkit.PostgresExtension;
import dev.telltale.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(PostgresExtension.class)
class InProcessExampleIT {

    @Test
    void theExampleReportsItsNPlusOne(TestPostgres postgres) throws Exception {
        Report report = InProcessExample.run(postgres.jdbcUrl());
        Finding f = report.findings().stream().filter(x -> x.detector().equals("jdbc.n-plus-one")).findFirst().orElseThrow();
        assertThat(f.subject()).startsWith("job: book report: select name from telltale_example_");
        assertThat(f.evidence()).containsEntry("executions", 30);
        assertThat((String) f.evidence().get("call_site")).contains("InProcessExample.bookReport");
    }
}
