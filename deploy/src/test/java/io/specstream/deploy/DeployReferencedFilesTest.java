package io.specstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every file, Secret and ConfigMap that deploy/ refers to exists. */
class DeployReferencedFilesTest {

    private static final String PLACEHOLDER = "REPLACE_ME";
    /** password="X" in a JAAS line, user:X in basic.auth.user.info, X in *.password=X. */
    private static final Pattern CREDENTIAL = Pattern.compile(
            "password=\"([^\"]*)\"|user\\.info=[^:\\s]+:(\\S*)|\\.password=(\\S*)");

    private final DeployFiles deploy = DeployFiles.read();

    @Test
    void everyFileTheComposeFileMountsExists() {
        List<ComposeFile.BindMount> mounts = deploy.compose().bindMounts();

        assertFalse(mounts.isEmpty());
        for (ComposeFile.BindMount mount : mounts) {
            Path source = deploy.compose().directory().resolve(mount.source()).normalize();
            assertTrue(source.startsWith(deploy.repository().root()),
                    mount.service() + " mounts " + mount.source() + " from outside the repository");
            assertTrue(Files.exists(source), mount.service() + " mounts " + mount.source() + ", which does not exist");
        }
    }

    @Test
    void everyPathTheDockerfileCopiesFromTheContextExists() {
        List<String> sources = deploy.dockerfile().contextSources();

        assertTrue(sources.contains("models"), sources.toString());
        for (String source : sources) {
            assertTrue(Files.exists(deploy.repository().root().resolve(source)),
                    "the Dockerfile copies " + source + ", which is not in the repository");
        }
    }

    @Test
    void everyModuleOfTheRootPomIsCopiedIntoTheBuild() throws Exception {
        String pom = Files.readString(deploy.repository().root().resolve("pom.xml"));
        List<String> sources = deploy.dockerfile().contextSources();
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom);

        while (modules.find()) {
            String module = modules.group(1);
            assertTrue(sources.contains(module) || sources.contains(module + "/pom.xml"),
                    "the Dockerfile does not copy module " + module + ": the Maven build would fail");
        }
    }

    @Test
    void everyConfigMapAndSecretAPodUsesIsDefinedInDeploy() {
        KubernetesManifests kubernetes = deploy.kubernetes();
        Set<String> defined = new HashSet<>();
        kubernetes.ofKind("ConfigMap").forEach(map -> defined.add("ConfigMap " + map.name()));
        kubernetes.ofKind("Secret").forEach(secret -> defined.add("Secret " + secret.name()));

        Set<String> used = new HashSet<>();
        for (KubernetesManifests.Manifest manifest : kubernetes.manifests()) {
            YamlPath.of("spec", "template", "spec", "volumes").list(manifest.object()).forEach(volume -> {
                YamlPath.of("secret", "secretName").string(volume).ifPresent(name -> used.add("Secret " + name));
                YamlPath.of("configMap", "name").string(volume).ifPresent(name -> used.add("ConfigMap " + name));
            });
            for (var container : manifest.containers()) {
                YamlPath.of("envFrom").list(container).forEach(source -> {
                    YamlPath.of("configMapRef", "name").string(source).ifPresent(n -> used.add("ConfigMap " + n));
                    YamlPath.of("secretRef", "name").string(source).ifPresent(n -> used.add("Secret " + n));
                });
            }
            for (Object ref : YamlPath.of("spec", "secretTargetRef").list(manifest.object())) {
                YamlPath.of("name").string(ref).ifPresent(name -> used.add("Secret " + name));
            }
        }

        assertFalse(used.isEmpty());
        used.removeAll(defined);
        assertTrue(used.isEmpty(), "used but not defined under deploy/k8s: " + used);
    }

    @Test
    void everyKustomizationResourceExists() {
        for (KubernetesManifests.Manifest kustomization : deploy.kubernetes().ofKind("Kustomization")) {
            for (Object resource : YamlPath.of("resources").list(kustomization.object())) {
                Path file = kustomization.file().getParent().resolve(String.valueOf(resource));
                assertTrue(Files.isRegularFile(file), kustomization.file() + " lists " + resource + ", which is missing");
            }
        }
    }

    @Test
    void theSecretTemplateHoldsPlaceholdersNotCredentials() {
        List<KubernetesManifests.Manifest> secrets = deploy.kubernetes().ofKind("Secret");

        assertFalse(secrets.isEmpty());
        for (KubernetesManifests.Manifest secret : secrets) {
            assertTrue(secret.file().getFileName().toString().contains("template"),
                    secret.where() + " is outside the template: real Secrets are not kept in the repository");
            assertTrue(YamlPath.of("data").in(secret.object()).isEmpty(), secret.where() + " carries encoded data");
            YamlPath.of("stringData").map(secret.object()).forEach((key, value) -> {
                String text = String.valueOf(value);
                if (key.equals("password")) {
                    assertEquals(PLACEHOLDER, text, secret.where() + " " + key + " is not a placeholder");
                }
                Matcher credentials = CREDENTIAL.matcher(text);
                while (credentials.find()) {
                    assertEquals(PLACEHOLDER, matchedValue(credentials), secret.where() + " " + key + ": '"
                            + credentials.group() + "' is not a placeholder");
                }
            });
        }
    }

    private static String matchedValue(Matcher match) {
        for (int group = 1; group <= match.groupCount(); group++) {
            if (match.group(group) != null) {
                return match.group(group);
            }
        }
        return match.group();
    }
}
