package io.specstream.pipeline;

import io.specstream.contract.BackgroundLoop;

import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;
import io.specstream.verify.service.VerifierDrafting;
import io.specstream.verify.service.VerifyLoop;

import io.specstream.draft.NgramDrafter;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.DeadLetter;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.serde.AvroSerde;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.TopicReader;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.VerifyEngine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input through the real verify loop on a real broker, registry and model (DESIGN invariant 6, README "Bad
 * input"): each bad record is published between two good requests and must end as exactly one DeadLetter naming where
 * it came from and what is wrong, while the good requests' rollouts arrive and equal plain decoding.
 */
class BadInputTest {

    private static final int MAX_NEW_TOKENS = 12;
    private static final int DRAFT_TOKENS = 4;
    private static final List<String> PROMPTS = List.of(
            "Q: A box holds 6 rows of 7 apples. How many apples are in the box?\n",
            "Q: Mia reads 12 pages a day. How many pages does she read in 5 days?\n");

    private static PipelineFixture fixture;
    private static VerifyEngine engine;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;
    private static List<RolloutRequest> good;
    private static List<CompletedRollout> expected;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        engine = VerifyEngine.open(PipelineFixture.verifyConfig(DRAFT_TOKENS));
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
        good = List.of(request("good-before", PROMPTS.get(0)), request("good-after", PROMPTS.get(1)));
        expected = PlainReference.of(engine, encoder, good);
    }

    @AfterAll
    static void stop() {
        engine.close();
        tokenizer.close();
        fixture.close();
    }

    // --- bytes that are no RolloutRequest, through the verifier's prompts consumer

    @Test
    void bytesThatAreNotOurFramingBecomeADeadLetter() throws Exception {
        DeadLetter letter = deadLetteredBetweenGoodRequests(topics -> "not avro at all".getBytes(StandardCharsets.UTF_8));
        assertReasonContains(letter, "cannot decode", "magic byte");
    }

    @Test
    void anUnknownSchemaIdBecomesADeadLetter() throws Exception {
        DeadLetter letter = deadLetteredBetweenGoodRequests(topics -> {
            byte[] valid = serialized(topics, request("framed", PROMPTS.get(0)));
            return ByteBuffer.allocate(valid.length).put((byte) 0).putInt(987_654).put(valid, 5, valid.length - 5).array();
        });
        assertReasonContains(letter, "cannot decode", "987654");
    }

    @Test
    void aValidAvroRecordOfAnotherSchemaBecomesADeadLetter() throws Exception {
        DeadLetter letter = deadLetteredBetweenGoodRequests(topics -> {
            DraftChunk chunk = DraftChunk.newBuilder().setRequestId("bad").setSampleIndex(0).setDrafter("ngram")
                    .setStartPosition(3).setTokens(List.of(5, 6)).setBaseCommittedLength(3).build();
            // a chunk travels inside a draft batch; on its own it is a record of a schema no topic carries
            return AvroSerde.of(DraftChunk.class, fixture.registry()).serializer()
                    .serialize(topics.prefix() + "chunks", chunk);
        });
        assertReasonContains(letter, "cannot decode", "DraftChunk", "cannot be read as", "RolloutRequest");
    }

    // --- well-formed records that are no valid request for this model

    @Test
    void anEmptyPromptBecomesADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setPromptText("")), "request bad", "the prompt is empty", "prompt_text");
    }

    @Test
    void aPromptLongerThanTheContextBecomesADeadLetter() throws Exception {
        int context = engine.model().maxPositionEmbeddings();
        List<Integer> ids = Collections.nCopies(context + 10, 40);
        DeadLetter letter = badRequest(r -> r.setPromptText(null).setPromptTokenIds(ids));
        assertReasonContains(letter, "request bad", "prompt of " + (context + 10) + " tokens",
                "max_position_embeddings=" + context);
    }

    @Test
    void zeroMaxNewTokensBecomeADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setMaxNewTokens(0)), "request bad", "max_new_tokens=0", ">= 1");
    }

    @Test
    void maxNewTokensBeyondTheWholeContextBecomeADeadLetter() throws Exception {
        int context = engine.model().maxPositionEmbeddings();
        assertReasonContains(badRequest(r -> r.setMaxNewTokens(1_000_000)), "request bad", "max_new_tokens=1000000",
                "allowed values: 1 to " + context);
    }

    @Test
    void aNegativeTemperatureBecomesADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setTemperature(-1f)), "request bad: temperature=-1.0 is not valid",
                "allowed values");
    }

    @Test
    void aTopPAboveOneBecomesADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setTemperature(0.7f).setTopP(1.5f)),
                "request bad: top_p=1.5 is not valid", "(0, 1]");
    }

    @Test
    void aTopPOfZeroBecomesADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setTemperature(0.7f).setTopP(0f)),
                "request bad: top_p=0.0 is not valid", "(0, 1]");
    }

    @Test
    void aNegativeTopKBecomesADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setTemperature(0.7f).setTopK(-3)), "request bad: top_k=-3 is not valid",
                "allowed values");
    }

    @Test
    void zeroSamplesBecomeADeadLetter() throws Exception {
        assertReasonContains(badRequest(r -> r.setNSamples(0)), "request bad: n_samples=0 is not valid", ">= 1");
    }

    @Test
    void moreSamplesThanTheBatchHoldsBecomeADeadLetter() throws Exception {
        int limit = PipelineFixture.verifyConfig(DRAFT_TOKENS).maxBatchSequences();
        assertReasonContains(badRequest(r -> r.setNSamples(limit + 1)),
                "request bad: n_samples=" + (limit + 1) + " is not valid", "allowed values: 1 to " + limit);
    }

    @Test
    void aPromptTokenIdOutsideTheVocabularyBecomesADeadLetter() throws Exception {
        int vocab = engine.model().vocabSize();
        assertReasonContains(badRequest(r -> r.setPromptText(null).setPromptTokenIds(List.of(1, 40, vocab))),
                "request bad: prompt_token_ids holds " + vocab, "[0, " + vocab + ")");
    }

    @Test
    void aStopTokenIdOutsideTheVocabularyBecomesADeadLetter() throws Exception {
        int vocab = engine.model().vocabSize();
        assertReasonContains(badRequest(r -> r.setStopTokenIds(List.of(vocab + 100))),
                "request bad: stop_token_ids holds " + (vocab + 100), "[0, " + vocab + ")");
    }

    // --- assignments: refused by the verifier, which reads every assignment of the requests it runs

    @Test
    void anAssignmentNamingADrafterNoServiceRunsBecomesADeadLetterAndTheRequestKeepsItsDrafters() throws Exception {
        DrafterAssignment unknown = DrafterAssignment.newBuilder().setRequestId("good-after")
                .setDrafters(List.of("draft-huge")).setPrimary("draft-huge").setK(DRAFT_TOKENS).build();
        Refused refused = deadLetteredAssignment(unknown);
        assertReasonContains(refused.letter(), "assignment for request good-after",
                "drafter 'draft-huge' is not run by any service", "[ngram]");
        // applied, it would have stopped ngram for good-after (the only drafter it names is draft-huge)
        assertTrue(fixture.acceptanceShows(refused.topics(), event -> "good-after".equals(event.getRequestId())
                        && (NgramDrafter.NAME.equals(event.getDrafter()) || event.getAlternatives().stream()
                        .anyMatch(alternative -> NgramDrafter.NAME.equals(alternative.getDrafter())))),
                "ngram never drafted for good-after after the refused assignment");
    }

    @Test
    void anAssignmentWithKBelowOneBecomesADeadLetter() throws Exception {
        DrafterAssignment malformed = DrafterAssignment.newBuilder().setRequestId("good-after")
                .setDrafters(List.of(NgramDrafter.NAME)).setPrimary(NgramDrafter.NAME).setK(0).build();
        assertReasonContains(deadLetteredAssignment(malformed).letter(), "assignment for request good-after",
                "k=0 is not valid", ">= 1");
    }

    // --- request ids

    @Test
    void aDuplicateRequestIdWhileTheFirstRunsBecomesADeadLetterAndTheFirstRunsOnUntouched() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest first = request("twice", PROMPTS.get(0));
        RolloutRequest duplicate = RolloutRequest.newBuilder(request("twice", PROMPTS.get(1))).setNSamples(2).build();
        List<CompletedRollout> expectedFirst = PlainReference.of(engine, encoder, List.of(first));
        // both are in the log before the loop starts, so it reads the duplicate while the first runs
        send(topics.name(Topics.PROMPTS), "twice", serialized(topics, first));
        RecordMetadata where = send(topics.name(Topics.PROMPTS), "twice", serialized(topics, duplicate));

        DeadLetter letter;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifyLoop(topics), "verify")) {
            fixture.rollouts(topics, expectedFirst.size());
            letter = onlyDeadLetter(topics);
        }

        assertOrigin(letter, where, "twice");
        assertReasonContains(letter, "request twice is already running");
        PlainReference.assertSameRollouts(expectedFirst, fixture.allRollouts(topics));
    }

    @Test
    void aRequestIdSentAgainAfterTheFirstFinishedIsANewRequest() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest again = request("again", PROMPTS.get(0));
        CompletedRollout reference = PlainReference.of(engine, encoder, List.of(again)).get(0);
        String rolloutsTopic = topics.name(Topics.ROLLOUTS);
        var rollouts = Topics.ROLLOUTS.valueSerde(fixture.registry()).deserializer();

        List<ConsumerRecord<String, Rollout>> read;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifyLoop(topics), "verify")) {
            send(topics.name(Topics.PROMPTS), "again", serialized(topics, again));
            TopicReader.read(fixture.settings().kafkaCommon(), rolloutsTopic, 1, new StringDeserializer(), rollouts);
            send(topics.name(Topics.PROMPTS), "again", serialized(topics, again));
            read = TopicReader.read(fixture.settings().kafkaCommon(), rolloutsTopic, 2, new StringDeserializer(),
                    rollouts);
        }

        assertEquals(2, read.size(), "rollouts of the id sent twice");
        for (ConsumerRecord<String, Rollout> record : read) {
            assertArrayEquals(reference.responseIds(),
                    record.value().getResponseTokenIds().stream().mapToInt(Integer::intValue).toArray());
        }
        assertEquals(List.of(), deadLetters(topics), "dead letters");
    }

    // --- how every case runs

    /** A copy of a good request, changed by {@code change}, sent as request "bad" between the two good ones. */
    private static DeadLetter badRequest(UnaryOperator<RolloutRequest.Builder> change) throws Exception {
        return deadLetteredBetweenGoodRequests(topics ->
                serialized(topics, change.apply(RolloutRequest.newBuilder(request("bad", PROMPTS.get(0)))).build()));
    }

    /**
     * Publishes a good request, the bad value (key "bad"), another good request; runs the verify loop until both good
     * requests are out; returns the one dead letter after checking its origin and the good rollouts.
     */
    private static DeadLetter deadLetteredBetweenGoodRequests(BadValue bad) throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        String prompts = topics.name(Topics.PROMPTS);
        fixture.publish(topics, good.subList(0, 1));
        RecordMetadata where = send(prompts, "bad", bad.value(topics));
        fixture.publish(topics, good.subList(1, 2));

        DeadLetter letter;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifyLoop(topics), "verify")) {
            fixture.rollouts(topics, expected.size());
            letter = onlyDeadLetter(topics);
        }

        assertOrigin(letter, where, "bad");
        PlainReference.assertSameRollouts(expected, fixture.allRollouts(topics));
        return letter;
    }

    /**
     * A Fastest-of-N verifier with ngram inside it and no draft-service drafters: the first good request runs, the
     * assignment is published and refused, then the second good request runs.
     */
    private static Refused deadLetteredAssignment(DrafterAssignment assignment) throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        String assignments = topics.name(Topics.ASSIGNMENTS);
        VerifierDrafting drafting = VerifierDrafting.fastest(List.of(new NgramDrafter(1, 3)), DRAFT_TOKENS)
                .withDraftServiceDrafters(Set.of());
        String group = "verify-" + UUID.randomUUID();

        DeadLetter letter;
        RecordMetadata where;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(new VerifyLoop(engine, encoder,
                fixture.settings(), topics, group, group + "-tx", drafting), "verify")) {
            fixture.publish(topics, good.subList(0, 1));
            fixture.rollouts(topics, 1);
            where = send(assignments, assignment.getRequestId(),
                    Topics.ASSIGNMENTS.valueSerde(fixture.registry()).serializer().serialize(assignments, assignment));
            letter = onlyDeadLetter(topics);
            fixture.publish(topics, good.subList(1, 2));
            fixture.rollouts(topics, expected.size());
        }

        assertOrigin(letter, where, assignment.getRequestId());
        PlainReference.assertSameRollouts(expected, fixture.allRollouts(topics));
        return new Refused(topics, letter);
    }

    /** The dead letter of a refused assignment and the topics of its case, for what else the case checks. */
    private record Refused(TopicCatalogue topics, DeadLetter letter) {
    }

    /** Waits for a dead letter and checks that it is the only one. */
    private static DeadLetter onlyDeadLetter(TopicCatalogue topics) {
        List<DeadLetter> first = fixture.deadLetters(topics, 1);
        assertEquals(1, first.size(), "no dead letter arrived");
        List<DeadLetter> all = deadLetters(topics);
        assertEquals(1, all.size(), "dead letters: " + all);
        return all.get(0);
    }

    private static List<DeadLetter> deadLetters(TopicCatalogue topics) {
        return TopicReader.readToEnd(fixture.settings().kafkaCommon(), topics.name(Topics.DEAD_LETTERS),
                new StringDeserializer(), Topics.DEAD_LETTERS.valueSerde(fixture.registry()).deserializer())
                .stream().map(ConsumerRecord::value).toList();
    }

    private static void assertOrigin(DeadLetter letter, RecordMetadata where, String key) {
        assertEquals(where.topic(), letter.getOriginalTopic(), "original topic");
        assertEquals(where.partition(), letter.getOriginalPartition(), "original partition");
        assertEquals(where.offset(), letter.getOriginalOffset(), "original offset");
        assertEquals(key, StandardCharsets.UTF_8.decode(letter.getOriginalKey()).toString(), "original key");
    }

    private static void assertReasonContains(DeadLetter letter, String... parts) {
        for (String part : parts) {
            assertTrue(letter.getReason().contains(part), "'" + part + "' in the reason: " + letter.getReason());
        }
    }

    private static VerifyLoop verifyLoop(TopicCatalogue topics) {
        String id = "verify-" + UUID.randomUUID();
        return new VerifyLoop(engine, encoder, fixture.settings(), topics, id, id + "-tx");
    }

    private static RolloutRequest request(String id, String prompt) {
        return RolloutRequest.newBuilder().setRequestId(id).setPromptText(prompt).setNSamples(1)
                .setMaxNewTokens(MAX_NEW_TOKENS).build();
    }

    private static byte[] serialized(TopicCatalogue topics, RolloutRequest request) {
        String prompts = topics.name(Topics.PROMPTS);
        return Topics.PROMPTS.valueSerde(fixture.registry()).serializer().serialize(prompts, request);
    }

    private static RecordMetadata send(String topic, String key, byte[] value)
            throws InterruptedException, ExecutionException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            return producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

    /** The bad value of one case, built for the case's topics. */
    @FunctionalInterface
    private interface BadValue {
        byte[] value(TopicCatalogue topics);
    }
}
