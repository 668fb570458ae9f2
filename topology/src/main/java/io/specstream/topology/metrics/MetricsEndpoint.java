package io.specstream.topology.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves a registry's meters at {@code GET /metrics} in the Prometheus text format, on the JDK's own HTTP server (no
 * web framework for one read-only page); every other path is 404.
 *
 * <pre>{@code
 * try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {   // 0: any free port
 *     endpoint.url();   // http://127.0.0.1:PORT/metrics
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {

    public static final String PATH = "/metrics";
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final String host;

    private MetricsEndpoint(HttpServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Binds {@code host:port} (port 0: any free port) and serves until {@link #close()}. */
    public static MetricsEndpoint start(PrometheusMeterRegistry registry, String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/", exchange -> answer(exchange, registry));
        server.start();
        return new MetricsEndpoint(server, host);
    }

    /** The port bound: the one asked for, or the free one chosen for port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where a Prometheus server scrapes, e.g. {@code http://127.0.0.1:9464/metrics}. */
    public String url() {
        String shownHost = host.contains(":") ? "[" + host + "]" : host; // an IPv6 literal needs brackets in a URL
        return "http://" + shownHost + ":" + port() + PATH;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                send(exchange, 404, PLAIN_TEXT, "not found; metrics are at " + PATH + "\n");
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, PLAIN_TEXT, "only GET is allowed on " + PATH + "\n");
            } else {
                send(exchange, 200, CONTENT_TYPE, registry.scrape());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
