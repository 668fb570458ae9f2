package io.specstream.draft.service;

import io.specstream.draft.DraftTail;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.SequenceKey;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.deadletter.RecordDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The draft-ahead loop of draft-service (DESIGN invariant 4): follows every sequence of the partitions it owns,
 * applies the verifier's commits to a {@link ModelDrafter}, and after each poll drafts one more token for every tail
 * still inside the window, publishing each grown tail as a {@link DraftChunk} at once. It never waits for the
 * verifier: with tails left to grow it polls with timeout 0.
 *
 * <p>Commits carry no prompt, so the loop also reads {@code prompts} (same request-id key, so the same partition
 * number) and encodes them with {@link RequestTerms}, exactly as the verifier does. A commit that arrives before its
 * prompt waits in a buffer and is replayed when the prompt arrives.
 *
 * <pre>{@code
 * DraftLoop loop = new DraftLoop(drafter, encoder, settings, catalogue, "draft-service");
 * new Thread(loop).start();   // run() until close()
 * loop.close();
 * }</pre>
 */
public final class DraftLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DraftLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);

    private final ModelDrafter drafter;
    private final PromptEncoder encoder;
    private final ClientSettings settings;
    private final TopicCatalogue catalogue;
    private final String promptsTopic;
    private final String commitsTopic;
    private final String draftsTopic;
    private final Set<SequenceKey> followed = new LinkedHashSet<>();
    private final Map<SequenceKey, List<CommitUpdate>> early = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;

    public DraftLoop(ModelDrafter drafter, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                     String groupId) {
        this.drafter = drafter;
        this.encoder = encoder;
        this.settings = settings;
        this.catalogue = catalogue;
        this.promptsTopic = catalogue.name(Topics.PROMPTS);
        this.commitsTopic = catalogue.name(Topics.COMMITS);
        this.draftsTopic = catalogue.name(Topics.DRAFTS);
        this.consumer = new KafkaConsumer<>(settings.consumer(groupId, false));
    }

    @Override
    public void run() {
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer())) {
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer,
                    Topics.DEAD_LETTERS.valueSerde(registry).serializer(), catalogue, Clock.systemUTC());
            RecordDecoder<RolloutRequest> requests =
                    new RecordDecoder<>(Topics.PROMPTS.valueSerde(registry).deserializer(), deadLetters);
            RecordDecoder<CommitUpdate> commits =
                    new RecordDecoder<>(Topics.COMMITS.valueSerde(registry).deserializer(), deadLetters);
            Serializer<DraftChunk> chunks = Topics.DRAFTS.valueSerde(registry).serializer();
            consumer.subscribe(List.of(promptsTopic, commitsTopic));
            boolean drafting = false;
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(drafting ? Duration.ZERO : IDLE_POLL)) {
                    if (record.topic().equals(promptsTopic)) {
                        requests.decode(record).ifPresent(this::follow);
                    } else {
                        commits.decode(record).ifPresent(this::apply);
                    }
                }
                Map<SequenceKey, DraftTail> grown = drafter.draftAhead(List.copyOf(followed));
                grown.forEach((key, tail) -> publish(producer, chunks, key, tail));
                drafting = !grown.isEmpty();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    /** Stops {@link #run()} after its current iteration; safe from any thread. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }

    private void follow(RolloutRequest request) {
        RequestTerms terms;
        try {
            terms = RequestTerms.of(request, encoder);
        } catch (IllegalArgumentException e) {
            return; // the verifier reports bad requests as dead letters; there is nothing to draft for
        }
        for (int s = 0; s < terms.samples(); s++) {
            SequenceKey key = new SequenceKey(request.getRequestId(), s);
            try {
                drafter.open(key, terms.promptIds(), terms.sampling(), terms.seed());
            } catch (RuntimeException e) {
                LOG.warn("cannot draft for {}: {}", key, e.getMessage());
                continue;
            }
            followed.add(key);
            List<CommitUpdate> waiting = early.remove(key);
            if (waiting != null) {
                waiting.forEach(this::apply);
            }
        }
    }

    private void apply(CommitUpdate commit) {
        SequenceKey key = new SequenceKey(commit.getRequestId(), commit.getSampleIndex());
        if (!followed.contains(key)) {
            if (commit.getFinished()) {
                early.remove(key);
            } else {
                early.computeIfAbsent(key, k -> new ArrayList<>()).add(commit);
            }
            return;
        }
        try {
            drafter.onCommitted(key, commit.getStartPosition(),
                    commit.getTokens().stream().mapToInt(Integer::intValue).toArray());
        } catch (IllegalArgumentException e) {
            // a gap or a contradiction: this mirror lost track of the truth, so it stops drafting for the sequence
            LOG.warn("dropping {}: {}", key, e.getMessage());
            forget(key);
            return;
        }
        if (commit.getFinished()) {
            forget(key);
        }
    }

    private void forget(SequenceKey key) {
        drafter.forget(key);
        followed.remove(key);
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, Serializer<DraftChunk> chunks, SequenceKey key,
                         DraftTail tail) {
        List<Integer> tokens = new ArrayList<>(tail.tokens().length);
        for (int token : tail.tokens()) {
            tokens.add(token);
        }
        DraftChunk chunk = DraftChunk.newBuilder()
                .setRequestId(key.requestId())
                .setSampleIndex(key.sampleIndex())
                .setDrafter(tail.drafter())
                .setStartPosition(tail.startPosition())
                .setTokens(tokens)
                .setBaseCommittedLength(tail.startPosition())
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
        producer.send(new ProducerRecord<>(draftsTopic, key.requestId().getBytes(StandardCharsets.UTF_8),
                chunks.serialize(draftsTopic, chunk)));
    }
}
