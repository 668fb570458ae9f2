package io.specstream.topology.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics flags as a service subcommand mixes them in. */
class MetricsOptionsTest {

    /** A subcommand with nothing but the mixin: starts the endpoint if asked and reports the port it got. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @Mixin
        MetricsOptions metrics;

        @Override
        public Integer call() {
            Optional<MetricsEndpoint> endpoint = metrics.startEndpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            endpoint.ifPresent(MetricsEndpoint::close);
            return endpoint.map(MetricsEndpoint::port).orElse(0) > 0 ? 0 : 1;
        }
    }

    private record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = new CommandLine(new Probe());
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            int exitCode = commandLine.execute(args);
            return new Run(exitCode, out.toString(), err.toString());
        }
    }

    @Test
    void aPortAboveTheRangeIsRefusedNamingTheFlagAndTheAllowedValues() {
        Run run = Run.of("--metrics-port", "65536");

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--metrics-port 65536 is not valid; allowed values: -1 (no endpoint), "
                + "0 (any free port) or a port 1-65535"), run.err());
    }

    @Test
    void aPortBelowMinusOneIsRefusedNamingTheFlag() {
        Run run = Run.of("--metrics-port", "-2");

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--metrics-port -2 is not valid"), run.err());
    }

    @Test
    void portZeroServesOnAFreePortAndPrintsItsUrl() {
        Run run = Run.of("--metrics-port", "0");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().matches("(?s)metrics=http://127\\.0\\.0\\.1:[1-9][0-9]*/metrics\\R"), run.out());
    }

    @Test
    void withoutTheFlagNoEndpointStarts() {
        Run run = Run.of();

        assertEquals(1, run.exitCode(), run.err());
        assertEquals("", run.out());
    }
}
