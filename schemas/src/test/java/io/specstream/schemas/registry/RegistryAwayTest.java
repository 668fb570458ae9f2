package io.specstream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.testkit.TestKafkaExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry client while the registry is away — restarting beside a broker, as in the broker-restart crash test,
 * where a draft instance died of one reset connection: requests are tried again until it answers, for
 * {@code schema.registry.unreachable.patience.ms}, and then fail naming that setting.
 */
class RegistryAwayTest {

    @RegisterExtension
    static final TestKafkaExtension KAFKA = new TestKafkaExtension();

    private static final Schema SCHEMA = SchemaBuilder.record("Away").fields().requiredInt("a").endRecord();

    @Test
    void aRequestWhoseConnectionsAreResetIsAnsweredOnceTheRegistryIsBack() throws Exception {
        int port;
        CompletableFuture<Integer> registered;
        try (ServerSocket resetting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = resetting.getLocalPort();
            CountDownLatch reset = new CountDownLatch(1);
            Thread resetter = new Thread(() -> resetEveryConnection(resetting, reset), "resetter");
            resetter.start();
            RestSchemaRegistryClient client = new RestSchemaRegistryClient("http://127.0.0.1:" + port,
                    Map.of(RestSchemaRegistryClient.UNREACHABLE_PATIENCE_MS, "120000"));
            registered = CompletableFuture.supplyAsync(() -> client.register("away-value", SCHEMA));

            assertTrue(reset.await(1, TimeUnit.MINUTES), "the client never tried");
        }
        try (EmbeddedSchemaRegistry back = EmbeddedSchemaRegistry.start(KAFKA.kafka().clientConfig(), "_schemas",
                port)) {
            int id = registered.get(2, TimeUnit.MINUTES);

            assertEquals(id, new RestSchemaRegistryClient(back.url()).idOf("away-value", SCHEMA));
        }
    }

    @Test
    void aRegistryThatStaysAwayFailsNamingThePatienceSetting() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: connections to it are refused
        }
        RestSchemaRegistryClient client = new RestSchemaRegistryClient("http://127.0.0.1:" + port,
                Map.of(RestSchemaRegistryClient.UNREACHABLE_PATIENCE_MS, "300"));

        SchemaRegistryException failed = assertThrows(SchemaRegistryException.class,
                () -> client.register("away-value", SCHEMA));

        assertEquals(SchemaRegistryException.UNREACHABLE, failed.errorCode());
        assertTrue(failed.getMessage().contains(RestSchemaRegistryClient.UNREACHABLE_PATIENCE_MS), failed.getMessage());
    }

    /** Accepts and resets (RST, no answer) every connection until {@code listening} closes; counts the first. */
    private static void resetEveryConnection(ServerSocket listening, CountDownLatch reset) {
        while (!listening.isClosed()) {
            try (Socket connection = listening.accept()) {
                connection.setSoLinger(true, 0);
                reset.countDown();
            } catch (IOException e) {
                if (!listening.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
