package io.specstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The repository checkout the tests run in: its root (the Docker build context) and the files under deploy/. */
record Repository(Path root) {

    /** Walks up from the working directory (the module's, under Maven) to the directory holding deploy/Dockerfile. */
    static Repository located() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/Dockerfile")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return new Repository(dir);
            }
        }
        throw new IllegalStateException("no repository root with deploy/Dockerfile above " + Path.of("").toAbsolutePath());
    }

    Path deploy() {
        return root.resolve("deploy");
    }

    Path dockerfile() {
        return deploy().resolve("Dockerfile");
    }

    Path composeFile() {
        return deploy().resolve("compose/compose.yaml");
    }

    Path kubernetes() {
        return deploy().resolve("k8s");
    }

    /** Every .yaml / .yml file under deploy/, build output left out. */
    List<Path> yamlFilesUnderDeploy() {
        return yamlFilesUnder(deploy());
    }

    List<Path> kubernetesFiles() {
        return yamlFilesUnder(kubernetes());
    }

    private List<Path> yamlFilesUnder(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> !root.relativize(path).toString().contains("target"))
                    .filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
