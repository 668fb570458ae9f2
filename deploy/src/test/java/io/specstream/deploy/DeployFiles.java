package io.specstream.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything under deploy/, parsed: the Dockerfile, the compose file and the Kubernetes manifests.
 *
 * @param repository where they are
 */
record DeployFiles(Repository repository, Dockerfile dockerfile, ComposeFile compose, KubernetesManifests kubernetes) {

    /**
     * The repository of the image deploy/Dockerfile builds; its tags end in the target ({@code 0.1.0-gpu},
     * {@code 0.1.0-cpu}), as deploy/README.md's build commands name them.
     */
    static final String SPECSTREAM_REPOSITORY = "specstream/specstream";

    static DeployFiles read() {
        Repository repository = Repository.located();
        return new DeployFiles(repository, Dockerfile.read(repository.dockerfile()),
                ComposeFile.read(repository.composeFile()), KubernetesManifests.read(repository.kubernetesFiles()));
    }

    /** Every container in compose and Kubernetes that runs the SpecStream image. */
    List<ContainerCommand> specstreamCommands() {
        List<ContainerCommand> commands = new ArrayList<>(compose.specstreamCommands(SPECSTREAM_REPOSITORY));
        commands.addAll(kubernetes.specstreamCommands(SPECSTREAM_REPOSITORY));
        return commands;
    }

    /** An image and where it is named, for messages. */
    record PlacedImage(String where, String image) {
    }

    /** Every image compose and Kubernetes run. */
    List<PlacedImage> runtimeImages() {
        List<PlacedImage> images = new ArrayList<>();
        compose.services().keySet().forEach(service -> compose.image(service).ifPresent(image ->
                images.add(new PlacedImage("compose.yaml service " + service, image))));
        for (KubernetesManifests.Manifest manifest : kubernetes.manifests()) {
            for (var container : manifest.containers()) {
                images.add(new PlacedImage(manifest.where(), YamlPath.of("image").string(container).orElse("")));
            }
        }
        return images;
    }

    /** The Dockerfile target an image of ours is built from: the tag's last part ({@code 0.1.0-gpu} → gpu). */
    static String targetOf(ImageReference ours) {
        String tag = ours.tag().orElse("");
        return tag.substring(tag.lastIndexOf('-') + 1);
    }
}
