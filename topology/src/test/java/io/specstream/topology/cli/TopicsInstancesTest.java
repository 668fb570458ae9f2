package io.specstream.topology.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.testing.CommandRefusal;
import io.specstream.topology.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code topics create|describe --verify-instances N --draft-instances N} against a real cluster whose topics have
 * 2 partitions: instances beyond the partitions of prompts would sit idle, and the command says so on stderr.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicsInstancesTest {

    private static final String IDLE = "would sit idle";

    private TestCluster cluster;
    private List<String> connection;

    @BeforeAll
    void start() {
        cluster = TestCluster.start(new TopicCatalogue("inst.", 2));
        connection = connection(2);
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void createWarnsWhenMoreVerifyInstancesThanPromptPartitions() {
        CliRun run = CliRun.of(CliRun.with(connection, "topics", "create", "--verify-instances", "3"));

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("--verify-instances 3 is more than the 2 partitions of topic 'inst.prompts'")
                && run.err().contains("1 of the 3 verify instances " + IDLE), run.err());
    }

    @Test
    void describeWarnsWhenMoreDraftInstancesThanPromptPartitions() {
        CliRun run = CliRun.of(CliRun.with(connection, "topics", "describe", "--draft-instances", "5"));

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("--draft-instances 5 is more than the 2 partitions of topic 'inst.prompts'")
                && run.err().contains("3 of the 5 draft instances " + IDLE), run.err());
    }

    @Test
    void createIsSilentWhenInstancesEqualThePartitions() {
        CliRun run = CliRun.of(CliRun.with(connection, "topics", "create",
                "--verify-instances", "2", "--draft-instances", "2"));

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
    }

    @Test
    void describeIsSilentWhenInstancesEqualThePartitions() {
        CliRun run = CliRun.of(CliRun.with(connection, "topics", "describe",
                "--verify-instances", "2", "--draft-instances", "2"));

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
    }

    @Test
    void theExistingTopicsPartitionsCountNotThePartitionsFlag() {
        // the topics exist with 2 partitions; asking for 1 is accepted (more is fine), and 2 instances still fit
        CliRun run = CliRun.of(CliRun.with(connection(1), "topics", "create", "--verify-instances", "2"));

        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains(IDLE), run.err());
    }

    @Test
    void zeroVerifyInstancesIsRefusedNamingTheFlag() {
        String err = CommandRefusal.of(CliRun.with(connection, "topics", "create", "--verify-instances", "0"));

        assertTrue(err.contains("--verify-instances 0 is not valid; allowed values: an integer >= 1"), err);
    }

    @Test
    void zeroDraftInstancesIsRefusedNamingTheFlag() {
        String err = CommandRefusal.of(CliRun.with(connection, "topics", "describe", "--draft-instances", "0"));

        assertTrue(err.contains("--draft-instances 0 is not valid; allowed values: an integer >= 1"), err);
    }

    private List<String> connection(int partitions) {
        return List.of("--bootstrap-servers", cluster.settings().bootstrapServers(),
                "--schema-registry-url", cluster.settings().schemaRegistryUrl(), "--topic-prefix", "inst.",
                "--partitions", String.valueOf(partitions));
    }
}
