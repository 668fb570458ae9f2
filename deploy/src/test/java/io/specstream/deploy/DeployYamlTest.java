package io.specstream.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every YAML file under deploy/ is YAML, and every Kubernetes document says what it is. */
class DeployYamlTest {

    private final Repository repository = Repository.located();

    @Test
    void everyYamlFileUnderDeployParses() {
        List<Path> files = repository.yamlFilesUnderDeploy();

        assertTrue(files.contains(repository.composeFile()), files.toString());
        for (Path file : files) {
            assertFalse(YamlDocuments.load(file).isEmpty(), file + " holds no document");
        }
    }

    @Test
    void everyKubernetesDocumentHasAnApiVersionKindAndName() {
        for (Path file : repository.kubernetesFiles()) {
            for (var object : YamlDocuments.mappings(file)) {
                String where = file.getFileName() + ": " + object.get("kind") + " " + YamlPath.of("metadata", "name")
                        .string(object).orElse("");
                assertTrue(YamlPath.of("apiVersion").string(object).isPresent(), where + " has no apiVersion");
                assertTrue(YamlPath.of("kind").string(object).isPresent(), where + " has no kind");
                boolean kustomization = "Kustomization".equals(object.get("kind"));
                assertTrue(kustomization || YamlPath.of("metadata", "name").string(object).isPresent(),
                        where + " has no metadata.name");
            }
        }
    }

    @Test
    void theKubernetesFilesHoldTheWorkloadsAndScalersTheIssueAsksFor() {
        Set<String> kinds = KubernetesManifests.read(repository.kubernetesFiles()).manifests().stream()
                .map(KubernetesManifests.Manifest::kind).collect(Collectors.toSet());

        assertTrue(kinds.containsAll(Set.of("Deployment", "Job", "ConfigMap", "Secret", "ScaledObject",
                "TriggerAuthentication", "PodDisruptionBudget")), kinds.toString());
    }
}
