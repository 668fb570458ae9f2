package io.specstream.topology.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * The Prometheus endpoint flags of every service subcommand ({@code verify}, {@code draft}, {@code selector}), checked
 * as they are parsed: {@code --metrics-port 70000} is refused with "--metrics-port 70000 is not valid; allowed values:
 * -1 (no endpoint), 0 (any free port) or a port 1-65535".
 *
 * <pre>{@code
 * metrics.startEndpoint(registry).ifPresent(opened::keep);   // prints metrics=http://127.0.0.1:9464/metrics
 * }</pre>
 */
public final class MetricsOptions {

    public static final int NO_ENDPOINT = -1;
    private static final int MAX_PORT = 65_535;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int port = NO_ENDPOINT;
    private String host;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "" + NO_ENDPOINT,
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics; 0 picks a free port "
                    + "(default: ${DEFAULT-VALUE}, no endpoint).")
    void setPort(int value) {
        if (value < NO_ENDPOINT || value > MAX_PORT) {
            throw new ParameterException(mixee.commandLine(), "--metrics-port " + value
                    + " is not valid; allowed values: -1 (no endpoint), 0 (any free port) or a port 1-" + MAX_PORT);
        }
        port = value;
    }

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address the metrics endpoint listens on; 0.0.0.0 for every interface "
                    + "(default: ${DEFAULT-VALUE}).")
    void setHost(String value) {
        if (value.isBlank()) {
            throw new ParameterException(mixee.commandLine(),
                    "--metrics-host '' is not valid; allowed values: a host name or IP address");
        }
        host = value;
    }

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    /**
     * Serves {@code registry} if {@code --metrics-port} was given and prints {@code metrics=URL} on the command's
     * output (what a script or an operator reads to find a port chosen by 0); the caller closes the endpoint.
     */
    public Optional<MetricsEndpoint> startEndpoint(PrometheusMeterRegistry registry) {
        if (port == NO_ENDPOINT) {
            return Optional.empty();
        }
        MetricsEndpoint endpoint;
        try {
            endpoint = MetricsEndpoint.start(registry, host, port);
        } catch (RuntimeException e) {
            throw new IllegalStateException("--metrics-host " + host + " --metrics-port " + port
                    + ": " + e.getMessage(), e);
        }
        PrintWriter out = mixee.commandLine().getOut();
        out.println("metrics=" + endpoint.url());
        out.flush();
        return Optional.of(endpoint);
    }
}
