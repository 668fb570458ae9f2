package io.specstream.topology.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {

    private final TopicCatalogue catalogue = new TopicCatalogue("team-a.", 6);

    @Test
    void prefixIsPrependedToEveryTopicName() {
        assertEquals("team-a.prompts", catalogue.name(Topics.PROMPTS));
        assertEquals("team-a._schemas", catalogue.name(Topics.SCHEMAS));
    }

    @Test
    void perRequestTopicsGetThePipelinePartitionCountAndTheSchemaStoreOne() {
        assertEquals(6, catalogue.partitions(Topics.ROLLOUTS));
        assertEquals(1, catalogue.partitions(Topics.SCHEMAS));
    }

    @Test
    void changelogTopicsAreCompactedAndHintTopicsExpire() {
        assertEquals("compact", catalogue.configs(Topics.SEQUENCES).get("cleanup.policy"));
        assertEquals("compact", catalogue.configs(Topics.ASSIGNMENTS).get("cleanup.policy"));
        assertEquals("delete", catalogue.configs(Topics.DRAFTS).get("cleanup.policy"));
        assertEquals("3600000", catalogue.configs(Topics.DRAFTS).get("retention.ms"));
        assertEquals("-1", catalogue.configs(Topics.SEQUENCES).get("retention.ms"));
    }

    @Test
    void catalogueHoldsEveryTopicOfTheDesignOnce() {
        List<String> names = Topics.all().stream().map(TopicSpec::baseName).toList();
        assertEquals(List.of("prompts", "rollouts", "commit-batches", "draft-batches", "acceptance-batches", "assignments", "sequences",
                "heartbeats", "policies", "policy-status", "dead-letters", "_schemas"), names);
        assertEquals(names.size(), new HashSet<>(names).size());
    }

    @Test
    void illegalPrefixIsRefusedWithTheAllowedCharacters() {
        var error = assertThrows(IllegalArgumentException.class, () -> new TopicCatalogue("a/b", 6));
        assertTrue(error.getMessage().contains("letters, digits"), error.getMessage());
    }

    @Test
    void unknownBaseNameListsTheKnownTopics() {
        var error = assertThrows(IllegalArgumentException.class, () -> Topics.byBaseName("promts"));
        assertTrue(error.getMessage().contains("prompts"), error.getMessage());
    }
}
