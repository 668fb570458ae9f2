package io.specstream.topology.cli;

import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.json.JsonRecordCodec;
import io.specstream.topology.json.JsonRecordException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code specstream submit}: publishes one record per JSONL line, keyed by its {@code request_id}. Fields are the
 * Avro field names; absent ones take their defaults. Example line for the prompts topic:
 * {@code {"request_id": "gsm-17", "prompt_text": "Q: 12 + 7?\n", "n_samples": 4, "temperature": 1.0, "seed": 7}}.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Publish records from a JSONL file (default: prompts to the prompts topic).")
public final class SubmitCommand implements Callable<Integer> {

    static final String KEY_FIELD = "request_id";

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "JSONL file, one record per line.")
    Path file;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "prompts", converter = TopicOption.class,
            description = "Catalogue topic to publish to (default: ${DEFAULT-VALUE}).")
    TopicSpec<String, ?> topic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!SpecificRecord.class.isAssignableFrom(topic.valueType())) {
            throw new ParameterException(spec.commandLine(), "--topic " + topic.baseName()
                    + " holds no Avro records; submit to one of the pipeline topics");
        }
        if (!Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "--file " + file + " does not exist or is not readable");
        }
        ClientSettings settings = connection.settings();
        int sent = publish(settings, connection.catalogue(), connection.registry(settings), topic);
        spec.commandLine().getOut().println("submitted " + sent + " records to " + connection.catalogue().name(topic));
        return 0;
    }

    private <V> int publish(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry,
                            TopicSpec<String, V> target) throws IOException {
        String name = catalogue.name(target);
        Serializer<String> keys = target.keySerde(registry).serializer();
        Serializer<V> values = target.valueSerde(registry).serializer();
        JsonRecordCodec codec = new JsonRecordCodec();
        int sent = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer())) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                V value = parse(codec, line, target, number);
                String key = String.valueOf(((SpecificRecord) value).get(
                        ((SpecificRecord) value).getSchema().getField(KEY_FIELD).pos()));
                producer.send(new ProducerRecord<>(name, keys.serialize(name, key), values.serialize(name, value)));
                sent++;
            }
            producer.flush();
        }
        return sent;
    }

    @SuppressWarnings("unchecked")
    private <V> V parse(JsonRecordCodec codec, String line, TopicSpec<String, V> target, int number) {
        try {
            V value = (V) codec.fromJson(line, (Class<? extends SpecificRecord>) target.valueType());
            if (((SpecificRecord) value).getSchema().getField(KEY_FIELD) == null) {
                throw new JsonRecordException("records of " + target.baseName() + " have no " + KEY_FIELD);
            }
            return value;
        } catch (JsonRecordException e) {
            throw new ParameterException(spec.commandLine(), file + " line " + number + ": " + e.getMessage());
        }
    }

}
