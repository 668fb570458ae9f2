package io.specstream.topology.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default run's stack ({@code specstream up}): broker, registry, topics and schemas, durable across restarts. */
class EmbeddedStackTest {

    private final TopicCatalogue catalogue = TopicCatalogue.defaults();
    private final ScramListener scram = new ScramListener(new ScramUser("admin", "admin-secret"),
            List.of(new ScramUser("verify", "verify-secret")), true);

    @Test
    void startsWithEveryTopicAndEverySchemaRegistered() {
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedKafkaSettings.temporary(), 0, catalogue)) {
            assertEquals(Topics.all().size(), stack.topics().created().size());
            List<String> subjects = new RestSchemaRegistryClient(stack.schemaRegistryUrl()).subjects();
            assertTrue(subjects.containsAll(List.of("prompts-value", "rollouts-value", "dead-letters-value")), subjects.toString());
        }
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsTopicsAndSchemaIds(@TempDir Path dataDirectory) {
        int idBefore;
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedKafkaSettings.persistent(dataDirectory, 0), 0, catalogue)) {
            idBefore = new RestSchemaRegistryClient(stack.schemaRegistryUrl()).idOf("rollouts-value", Rollout.getClassSchema());
        }
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedKafkaSettings.persistent(dataDirectory, 0), 0, catalogue)) {
            var registry = new RestSchemaRegistryClient(stack.schemaRegistryUrl());

            assertEquals(List.of(), stack.topics().created());
            assertEquals(idBefore, registry.idOf("rollouts-value", Rollout.getClassSchema()));
            assertEquals(List.of(1), registry.versions("rollouts-value"));
        }
    }

    @Test
    void onAScramListenerRequiringAclsTheSuperUserCreatesTopicsAndTheRegistryStore() {
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedKafkaSettings.temporary().withSasl(scram), 0, catalogue)) {
            assertEquals(Topics.all().size(), stack.topics().created().size());
            assertEquals("SASL_PLAINTEXT", stack.clientSettings().clientProperties().get("security.protocol"));
            List<String> subjects = new RestSchemaRegistryClient(stack.schemaRegistryUrl()).subjects();
            assertTrue(subjects.contains("rollouts-value"), subjects.toString());
        }
    }

    @Test
    void aScramListenerOnAReusedDataDirectoryKeepsTheUsersItWasFormattedWith(@TempDir Path dataDirectory) {
        EmbeddedKafkaSettings settings = EmbeddedKafkaSettings.persistent(dataDirectory, 0).withSasl(scram);
        try (EmbeddedStack stack = EmbeddedStack.start(settings, 0, catalogue)) {
            assertEquals(Topics.all().size(), stack.topics().created().size());
        }
        // the second start skips formatting: the broker logs in with the super user stored the first time
        try (EmbeddedStack stack = EmbeddedStack.start(settings, 0, catalogue)) {
            assertEquals(List.of(), stack.topics().created());
        }
    }
}
