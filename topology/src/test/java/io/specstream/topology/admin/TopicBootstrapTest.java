package io.specstream.topology.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.testkit.TestKafka;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicBootstrapTest {

    private TestKafka kafka;
    private Admin admin;

    @BeforeAll
    void startBroker() {
        kafka = TestKafka.start();
        admin = Admin.create(kafka.clientConfig());
    }

    @AfterAll
    void stopBroker() {
        admin.close();
        kafka.close();
    }

    @Test
    void createsEveryCatalogueTopicWithItsPartitionsAndPolicy() throws Exception {
        TopicCatalogue catalogue = new TopicCatalogue("create.", 3);
        BootstrapReport report = new TopicBootstrap(admin, catalogue).ensureTopics();

        assertEquals(Topics.all().size(), report.created().size());
        var prompts = admin.describeTopics(List.of("create.prompts")).allTopicNames().get().get("create.prompts");
        assertEquals(3, prompts.partitions().size());
        var schemas = admin.describeTopics(List.of("create._schemas")).allTopicNames().get().get("create._schemas");
        assertEquals(1, schemas.partitions().size());
    }

    @Test
    void bootstrappingTwiceChangesNothing() {
        TopicCatalogue catalogue = new TopicCatalogue("twice.", 2);
        new TopicBootstrap(admin, catalogue).ensureTopics();

        BootstrapReport second = new TopicBootstrap(admin, catalogue).ensureTopics();

        assertEquals(List.of(), second.created());
        assertEquals(Topics.all().size(), second.existing().size());
    }

    @Test
    void topicWithTooFewPartitionsIsRefusedByName() throws Exception {
        TopicCatalogue catalogue = new TopicCatalogue("few.", 4);
        admin.createTopics(List.of(new NewTopic("few.prompts", Optional.of(1), Optional.empty()))).all().get();

        var error = assertThrows(TopicMismatchException.class, () -> new TopicBootstrap(admin, catalogue).ensureTopics());

        assertEquals(1, error.problems().size(), error.getMessage());
        assertTrue(error.problems().get(0).contains("'few.prompts' has 1 partitions"), error.getMessage());
    }

    @Test
    void changelogTopicThatDeletesIsRefused() throws Exception {
        TopicCatalogue catalogue = new TopicCatalogue("policy.", 1);
        admin.createTopics(List.of(new NewTopic("policy.sequences", Optional.of(1), Optional.empty())
                .configs(Map.of("cleanup.policy", "delete")))).all().get();

        var error = assertThrows(TopicMismatchException.class, () -> new TopicBootstrap(admin, catalogue).ensureTopics());

        assertTrue(error.getMessage().contains("'policy.sequences' has cleanup.policy=delete"), error.getMessage());
    }

    @Test
    void morePartitionsThanConfiguredAreAccepted() throws Exception {
        TopicCatalogue catalogue = new TopicCatalogue("more.", 2);
        admin.createTopics(List.of(new NewTopic("more.rollouts", Optional.of(5), Optional.empty()))).all().get();

        BootstrapReport report = new TopicBootstrap(admin, catalogue).ensureTopics();

        assertTrue(report.existing().contains("more.rollouts"));
    }
}
