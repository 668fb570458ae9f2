package io.specstream.topology.cli;

import io.specstream.topology.embedded.EmbeddedKafkaSettings;
import io.specstream.topology.embedded.EmbeddedStack;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code specstream up}: a real broker, the registry and the topics in this process, until Ctrl-C. The ports come
 * from {@code --bootstrap-servers} and {@code --schema-registry-url} (127.0.0.1 only), so the defaults of every
 * other subcommand reach it without flags.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka broker (KRaft) + schema registry + topics; Ctrl-C stops cleanly.")
public final class UpCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep broker data here across restarts (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        int kafkaPort = portOf("--bootstrap-servers", "tcp://" + connection.bootstrapServers);
        int registryPort = portOf("--schema-registry-url", connection.schemaRegistryUrl);
        EmbeddedKafkaSettings settings = new EmbeddedKafkaSettings(Optional.ofNullable(dataDir), kafkaPort, Map.of());
        EmbeddedStack stack = EmbeddedStack.start(settings, registryPort, connection.catalogue());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "specstream-up-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("bootstrap.servers=" + stack.bootstrapServers());
        out.println("schema.registry.url=" + stack.schemaRegistryUrl());
        out.println("topics created: " + stack.topics().created() + ", already there: " + stack.topics().existing());
        out.println("data directory: " + stack.kafka().dataDirectory()
                + (dataDir == null ? " (temporary)" : ""));
        out.println("SpecStream is up; press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private int portOf(String flag, String address) {
        try {
            URI uri = URI.create(address.split(",")[0]);
            if (uri.getPort() < 0 || !("127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()))) {
                throw new IllegalArgumentException("no port");
            }
            return uri.getPort();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), flag + " must be 127.0.0.1:PORT (or localhost) for 'up', "
                    + "where PORT is the port to listen on, 0 for any; was '" + address.replace("tcp://", "") + "'");
        }
    }
}
