package io.specstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * KEDA scales verify and draft on the lag of the groups they really join, never beyond the partitions, and every
 * verify replica keeps exactly-once with a transactional id of its own.
 */
class DeployScalingTest {

    private final DeployFiles deploy = DeployFiles.read();
    private final KubernetesManifests kubernetes = deploy.kubernetes();
    private final SpecStreamCommandTree tree = new SpecStreamCommandTree();

    @Test
    void verifyAndDraftHaveAScaledObjectEach() {
        Set<String> scaled = scaledObjects().stream().map(this::targetCommand).map(ContainerCommand::subcommand)
                .collect(Collectors.toSet());

        assertEquals(Set.of("verify", "draft"), scaled);
    }

    /**
     * Verify scales on its own group's lag; draft, which commits no offsets (it starts from the verify group's and
     * the sequences topic), on the same backlog: the verify group's lag, the group its {@code --verify-group-id} names.
     */
    @Test
    void kedaConsumerGroupIsTheVerifyGroupItsDeploymentFollows() {
        for (KubernetesManifests.Manifest scaledObject : scaledObjects()) {
            ContainerCommand target = targetCommand(scaledObject);
            String flag = target.subcommand().equals("draft") ? "--verify-group-id" : "--group-id";
            String groupId = target.value(flag)
                    .or(() -> tree.defaultValue(target.subcommand(), flag)).orElseThrow();
            for (Object trigger : kafkaTriggers(scaledObject)) {
                assertEquals(groupId, YamlPath.of("metadata", "consumerGroup").string(trigger).orElse(""),
                        scaledObject.where() + " watches another group than " + target.where() + " joins");
            }
        }
    }

    @Test
    void kedaWatchesACatalogueTopicUnderTheConfigMapPrefix() {
        Map<String, String> config = kubernetes.configMapData();
        TopicCatalogue catalogue = new TopicCatalogue(config.get("TOPIC_PREFIX"),
                Integer.parseInt(config.get("PARTITIONS")));
        Set<String> topics = Topics.all().stream().map(catalogue::name).collect(Collectors.toSet());

        for (KubernetesManifests.Manifest scaledObject : scaledObjects()) {
            for (Object trigger : kafkaTriggers(scaledObject)) {
                String topic = YamlPath.of("metadata", "topic").string(trigger).orElse("");
                assertTrue(topics.contains(topic), scaledObject.where() + " watches '" + topic
                        + "', which is no topic of the catalogue under prefix '" + catalogue.prefix() + "'");
            }
        }
    }

    @Test
    void verifyScalesOnItsLagOnPrompts() {
        Map<String, String> config = kubernetes.configMapData();
        String prompts = new TopicCatalogue(config.get("TOPIC_PREFIX"), 1).name(Topics.PROMPTS);

        KubernetesManifests.Manifest verify = scaledObjects().stream()
                .filter(scaledObject -> targetCommand(scaledObject).subcommand().equals("verify")).findFirst()
                .orElseThrow();
        for (Object trigger : kafkaTriggers(verify)) {
            assertEquals(prompts, YamlPath.of("metadata", "topic").string(trigger).orElse(""), verify.where());
        }
    }

    @Test
    void kedaReachesTheBrokersTheServicesUse() {
        String bootstrapServers = kubernetes.configMapData().get("BOOTSTRAP_SERVERS");

        for (KubernetesManifests.Manifest scaledObject : scaledObjects()) {
            for (Object trigger : kafkaTriggers(scaledObject)) {
                assertEquals(bootstrapServers, YamlPath.of("metadata", "bootstrapServers").string(trigger).orElse(""),
                        scaledObject.where());
            }
        }
    }

    @Test
    void maxReplicaCountIsAtMostThePartitions() {
        int partitions = Integer.parseInt(kubernetes.configMapData().get("PARTITIONS"));

        for (KubernetesManifests.Manifest scaledObject : scaledObjects()) {
            int max = Integer.parseInt(YamlPath.of("spec", "maxReplicaCount").string(scaledObject.object())
                    .orElseThrow(() -> new AssertionError(scaledObject.where() + " sets no maxReplicaCount")));
            assertTrue(max <= partitions, scaledObject.where() + " may run " + max + " replicas on " + partitions
                    + " partitions: the extra ones would sit idle");
        }
    }

    @Test
    void theTopicsJobPlansTheInstancesTheScaledObjectsMayRun() {
        ContainerCommand topics = kubernetes.specstreamCommands(DeployFiles.SPECSTREAM_REPOSITORY).stream()
                .filter(command -> command.subcommand().equals("topics")).findFirst().orElseThrow();

        for (KubernetesManifests.Manifest scaledObject : scaledObjects()) {
            String flag = "--" + targetCommand(scaledObject).subcommand() + "-instances";
            assertEquals(YamlPath.of("spec", "maxReplicaCount").string(scaledObject.object()), topics.value(flag),
                    topics.where() + " " + flag + " differs from " + scaledObject.where() + " maxReplicaCount");
        }
    }

    @Test
    void everyVerifyReplicaTakesItsTransactionalIdFromItsPodName() {
        List<ContainerCommand> verifiers = commands("verify");

        assertFalse(verifiers.isEmpty());
        for (ContainerCommand verify : verifiers) {
            String transactionalId = verify.value("--transactional-id")
                    .orElseThrow(() -> new AssertionError(verify.where() + " passes no --transactional-id: every "
                            + "replica would use the default and fence the others"));
            Optional<String> variable = podNameVariable(verify);
            assertTrue(variable.isPresent(), verify.where() + " has no env var from metadata.name");
            assertTrue(transactionalId.contains("$(" + variable.get() + ")"),
                    verify.where() + " --transactional-id " + transactionalId + " is not derived from the pod name");
        }
    }

    @Test
    void everyMetricsEndpointListensOnEveryInterfaceAtADeclaredContainerPort() {
        for (ContainerCommand command : kubernetes.specstreamCommands(DeployFiles.SPECSTREAM_REPOSITORY)) {
            Optional<String> port = command.value("--metrics-port");
            if (command.subcommand().equals("topics")) {
                continue;
            }
            assertTrue(port.isPresent(), command.where() + " serves no metrics");
            assertEquals(Optional.of("0.0.0.0"), command.value("--metrics-host"),
                    command.where() + " metrics would listen on 127.0.0.1 only, out of Prometheus' reach");
            List<String> declared = YamlPath.of("ports").list(command.definition()).stream()
                    .map(entry -> YamlPath.of("containerPort").string(entry).orElse("")).toList();
            assertTrue(declared.contains(port.get()), command.where() + " metrics port " + port.get()
                    + " is not a containerPort " + declared);
        }
    }

    private List<KubernetesManifests.Manifest> scaledObjects() {
        List<KubernetesManifests.Manifest> scaledObjects = kubernetes.ofKind("ScaledObject");
        assertFalse(scaledObjects.isEmpty());
        return scaledObjects;
    }

    private List<?> kafkaTriggers(KubernetesManifests.Manifest scaledObject) {
        List<?> triggers = YamlPath.of("spec", "triggers").list(scaledObject.object());
        assertFalse(triggers.isEmpty(), scaledObject.where() + " has no triggers");
        triggers.forEach(trigger -> assertEquals(Optional.of("kafka"), YamlPath.of("type").string(trigger),
                scaledObject.where()));
        return triggers;
    }

    /** The SpecStream container of the Deployment a ScaledObject scales. */
    private ContainerCommand targetCommand(KubernetesManifests.Manifest scaledObject) {
        String kind = YamlPath.of("spec", "scaleTargetRef", "kind").string(scaledObject.object()).orElse("Deployment");
        String name = YamlPath.of("spec", "scaleTargetRef", "name").string(scaledObject.object()).orElseThrow();
        KubernetesManifests.Manifest target = kubernetes.named(kind, name)
                .orElseThrow(() -> new AssertionError(scaledObject.where() + " scales " + kind + " " + name
                        + ", which deploy/k8s does not define"));
        List<ContainerCommand> commands = kubernetes.commandsOf(target, DeployFiles.SPECSTREAM_REPOSITORY);
        assertEquals(1, commands.size(), target.where());
        return commands.get(0);
    }

    private List<ContainerCommand> commands(String subcommand) {
        return kubernetes.specstreamCommands(DeployFiles.SPECSTREAM_REPOSITORY).stream()
                .filter(command -> command.subcommand().equals(subcommand)).toList();
    }

    private static Optional<String> podNameVariable(ContainerCommand command) {
        return YamlPath.of("env").list(command.definition()).stream()
                .filter(variable -> YamlPath.of("valueFrom", "fieldRef", "fieldPath").string(variable)
                        .filter("metadata.name"::equals).isPresent())
                .map(variable -> YamlPath.of("name").string(variable).orElseThrow())
                .findFirst();
    }
}
