package io.specstream.topology.cli;

import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.deadletter.RecordDecoder;
import io.specstream.topology.json.JsonRecordCodec;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code specstream tail}: prints a topic's records as JSONL (default: rollouts, read_committed, so only rollouts of
 * committed transactions appear). Undecodable records go to dead-letters with a note on stderr; tailing goes on.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print records as JSONL (default: the rollouts topic, read_committed).")
public final class TailCommand implements Callable<Integer> {

    enum Start { earliest, latest }

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "rollouts", converter = TopicOption.class,
            description = "Catalogue topic to read (default: ${DEFAULT-VALUE}).")
    TopicSpec<String, ?> topic;

    @Option(names = "--from", paramLabel = "WHERE", defaultValue = "earliest",
            description = "Where to start: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Start from;

    @Option(names = "--max-records", paramLabel = "N", defaultValue = "0",
            description = "Stop after N records (default: 0 = never).")
    long maxRecords;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", defaultValue = "0",
            description = "Stop after MS milliseconds without a record (default: 0 = never).")
    long idleTimeoutMs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!SpecificRecord.class.isAssignableFrom(topic.valueType())) {
            throw new ParameterException(spec.commandLine(), "--topic " + topic.baseName() + " holds no Avro records");
        }
        if (maxRecords < 0 || idleTimeoutMs < 0) {
            throw new ParameterException(spec.commandLine(), "--max-records and --idle-timeout-ms must be >= 0");
        }
        ClientSettings settings = connection.settings();
        return tail(settings, connection.catalogue(), connection.registry(settings), topic);
    }

    private <V> int tail(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry,
                         TopicSpec<String, V> source) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonRecordCodec codec = new JsonRecordCodec();
        var consumerConfig = settings.consumer("specstream-tail-" + UUID.randomUUID(), true);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, from.name());
        long printed = 0;
        long idleSince = System.currentTimeMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer())) {
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer,
                    Topics.DEAD_LETTERS.valueSerde(registry).serializer(), catalogue, Clock.systemUTC());
            RecordDecoder<V> decoder = new RecordDecoder<>(source.valueSerde(registry).deserializer(), deadLetters);
            consumer.subscribe(List.of(catalogue.name(source)));
            while (maxRecords == 0 || printed < maxRecords) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    if (idleTimeoutMs > 0 && System.currentTimeMillis() - idleSince > idleTimeoutMs) {
                        break;
                    }
                    continue;
                }
                idleSince = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    var value = decoder.decode(record);
                    if (value.isPresent()) {
                        out.println(codec.toJson((SpecificRecord) value.get()));
                        printed++;
                    } else {
                        err.println("skipped undecodable record at " + record.topic() + "-" + record.partition() + "@"
                                + record.offset() + " (sent to " + catalogue.name(Topics.DEAD_LETTERS) + ")");
                    }
                    if (maxRecords > 0 && printed >= maxRecords) {
                        break;
                    }
                }
                out.flush();
            }
        }
        out.flush();
        return 0;
    }

}
