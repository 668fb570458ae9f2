package io.specstream.topology.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint over real HTTP, as a Prometheus server scrapes it. */
class MetricsEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesARegisteredCounterInThePrometheusTextFormatOnAFreePort() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("specstream.test.tokens", "drafter", "ngram").increment(3);

        try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {
            HttpResponse<String> response = get(endpoint.url());

            assertTrue(endpoint.port() > 0, "bound port " + endpoint.port());
            assertEquals("http://127.0.0.1:" + endpoint.port() + "/metrics", endpoint.url());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(MetricsEndpoint.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
            assertTrue(response.body().contains("# TYPE specstream_test_tokens_total counter"), response.body());
            assertTrue(response.body().contains("specstream_test_tokens_total{drafter=\"ngram\"} 3.0"), response.body());
        }
    }

    @Test
    void anUnknownPathIsNotFound() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {
            HttpResponse<String> response = get("http://127.0.0.1:" + endpoint.port() + "/metricz");

            assertEquals(404, response.statusCode(), response.body());
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
