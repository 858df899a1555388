package dev.telltale.examples.jvm;

import dev.telltale.core.Finding;
import dev.telltale.core.Report;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InProcessExampleIT {

    @Test
    void theExampleReportsItsNPlusOne() throws Exception {
        String env = System.getenv("TELLTALE_TEST_POSTGRES_URL");
        Report report = InProcessExample.run(env == null || env.isBlank()
                ? "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" : env);
        Finding f = report.findings().stream().filter(x -> x.detector().equals("jdbc.n-plus-one")).findFirst().orElseThrow();
        assertThat(f.subject()).startsWith("job: book report: select name from telltale_example_");
        assertThat(f.evidence()).containsEntry("executions", 30);
        assertThat((String) f.evidence().get("call_site")).contains("InProcessExample.bookReport");
    }
}
