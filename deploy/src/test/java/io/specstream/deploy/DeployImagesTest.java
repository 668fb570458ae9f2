package io.specstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every image is either the one deploy/Dockerfile builds or a named public image pinned to a release. */
class DeployImagesTest {

    private final DeployFiles deploy = DeployFiles.read();

    @Test
    void composeBuildsTheSpecStreamImageFromTheDockerfileTargetItsTagNames() {
        List<Map<String, Object>> builders = deploy.compose().services().values().stream()
                .filter(service -> service.containsKey("build")).toList();

        assertFalse(builders.isEmpty(), "no compose service builds the image");
        for (Map<String, Object> service : builders) {
            Path context = deploy.compose().directory().resolve(YamlPath.of("build", "context").string(service)
                    .orElse(".")).normalize();
            Path dockerfile = context.resolve(YamlPath.of("build", "dockerfile").string(service).orElse("Dockerfile"));
            String target = YamlPath.of("build", "target").string(service).orElse(deploy.dockerfile().defaultTarget());
            ImageReference image = ImageReference.parse(YamlPath.of("image").string(service).orElseThrow());

            assertEquals(deploy.repository().root(), context, "the build context is the repository root");
            assertEquals(deploy.repository().dockerfile(), dockerfile.normalize());
            assertTrue(deploy.dockerfile().stages().contains(target), target + " is no stage of the Dockerfile");
            assertEquals(DeployFiles.SPECSTREAM_REPOSITORY, image.repository());
            assertEquals(target, DeployFiles.targetOf(image), image.text() + " does not name its target " + target);
        }
    }

    @Test
    void everySpecStreamImageIsATargetOfTheDockerfile() {
        List<DeployFiles.PlacedImage> ours = deploy.runtimeImages().stream()
                .filter(placed -> ImageReference.parse(placed.image()).repository()
                        .equals(DeployFiles.SPECSTREAM_REPOSITORY)).toList();

        assertFalse(ours.isEmpty());
        for (DeployFiles.PlacedImage placed : ours) {
            String target = DeployFiles.targetOf(ImageReference.parse(placed.image()));
            assertTrue(deploy.dockerfile().stages().contains(target),
                    placed.where() + " runs " + placed.image() + ", but the Dockerfile has no target " + target);
        }
    }

    @Test
    void everyOtherImageIsAPublicImageWithAnExplicitTag() {
        List<String> others = deploy.runtimeImages().stream().map(DeployFiles.PlacedImage::image)
                .filter(image -> !ImageReference.parse(image).repository().equals(DeployFiles.SPECSTREAM_REPOSITORY))
                .toList();

        assertFalse(others.isEmpty(), "compose runs Kafka and the registry from public images");
        others.forEach(DeployImagesTest::assertPublicAndPinned);
    }

    @Test
    void everyImageTheDockerfileStartsFromIsAPublicImageWithAnExplicitTag() {
        assertFalse(deploy.dockerfile().externalImages().isEmpty());
        deploy.dockerfile().externalImages().forEach(DeployImagesTest::assertPublicAndPinned);
    }

    @Test
    void theDefaultTargetCarriesTheJarBuiltWithTheGpuProfile() {
        Dockerfile dockerfile = deploy.dockerfile();
        String target = dockerfile.defaultTarget();
        List<String> builders = dockerfile.copiedFromBy(target);

        assertEquals("gpu", target);
        assertEquals(1, builders.size(), builders.toString());
        assertTrue(dockerfile.stageInstructions(builders.get(0)).stream()
                .anyMatch(instruction -> instruction.contains("mvn") && instruction.contains("-Pgpu")),
                builders.get(0) + " does not build with -Pgpu");
    }

    @Test
    void everyMavenProfileTheDockerfileBuildsWithIsDefinedInTheRootPom() throws Exception {
        String pom = Files.readString(deploy.repository().root().resolve("pom.xml"));

        assertFalse(deploy.dockerfile().mavenProfiles().isEmpty());
        for (String profile : deploy.dockerfile().mavenProfiles()) {
            assertTrue(pom.contains("<id>" + profile + "</id>"), "the root pom has no profile " + profile);
        }
    }

    private static void assertPublicAndPinned(String text) {
        ImageReference image = ImageReference.parse(text);
        assertTrue(image.hasExplicitTag(), text + " has no explicit tag (or is 'latest')");
        assertTrue(image.isPublic(), text + " is not on a public registry");
    }
}
