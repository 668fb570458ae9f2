package io.specstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** verify and draft, the two model-running services, get a GPU and the image built for one, wherever they run. */
class DeployGpuTest {

    private static final Set<String> MODEL_SERVICES = Set.of("verify", "draft");
    private static final String GPU = "nvidia.com/gpu";

    private final DeployFiles deploy = DeployFiles.read();

    @Test
    void everyVerifyAndDraftPodRequestsAGpu() {
        List<ContainerCommand> models = modelServices(deploy.kubernetes().specstreamCommands(
                DeployFiles.SPECSTREAM_REPOSITORY));

        for (ContainerCommand command : models) {
            String limit = YamlPath.of("resources", "limits", GPU).string(command.definition())
                    .orElseThrow(() -> new AssertionError(command.where() + " has no " + GPU + " limit"));
            assertTrue(Integer.parseInt(limit) >= 1, command.where() + " limits " + GPU + " to " + limit);
            // Kubernetes refuses extended-resource requests that differ from the limit
            YamlPath.of("resources", "requests", GPU).string(command.definition())
                    .ifPresent(request -> assertEquals(limit, request, command.where()));
        }
    }

    @Test
    void composeReservesAnNvidiaGpuForVerifyAndDraft() {
        for (ContainerCommand command : modelServices(deploy.compose().specstreamCommands(
                DeployFiles.SPECSTREAM_REPOSITORY))) {
            List<?> devices = YamlPath.of("deploy", "resources", "reservations", "devices").list(command.definition());
            assertTrue(devices.stream().anyMatch(device ->
                            YamlPath.of("driver").string(device).filter("nvidia"::equals).isPresent()
                                    && YamlPath.of("capabilities").list(device).contains("gpu")),
                    command.where() + " reserves no nvidia gpu: " + devices);
        }
    }

    @Test
    void verifyAndDraftRunTheGpuImage() {
        for (ContainerCommand command : modelServices(deploy.specstreamCommands())) {
            assertEquals("gpu", DeployFiles.targetOf(ImageReference.parse(command.image())),
                    command.where() + " runs " + command.image() + ", without the CUDA build of ONNX Runtime");
        }
    }

    private static List<ContainerCommand> modelServices(List<ContainerCommand> commands) {
        List<ContainerCommand> models = commands.stream()
                .filter(command -> MODEL_SERVICES.contains(command.subcommand())).toList();
        assertFalse(models.isEmpty());
        assertEquals(MODEL_SERVICES, Set.copyOf(models.stream().map(ContainerCommand::subcommand).toList()));
        return models;
    }
}
