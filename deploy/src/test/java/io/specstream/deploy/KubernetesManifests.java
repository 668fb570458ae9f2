package io.specstream.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every object in deploy/k8s/*.yaml, with the pods' containers and the commands they run.
 *
 * <p>Example: {@code manifests.named("Deployment", "specstream-verify")} is the verify Deployment;
 * {@code manifests.configMapData()} the ConfigMap's entries, which its containers see through {@code envFrom}.
 */
record KubernetesManifests(List<Manifest> manifests) {

    /** A stand-in for downward-API fields (metadata.name ...) when expanding {@code $(NAME)} in args. */
    static final String POD_FIELD_STAND_IN = "specstream-verify-5d8f7c9b4-x2x7q";

    /** One object and the file it is in. */
    record Manifest(Path file, Map<String, Object> object) {

        String kind() {
            return YamlPath.of("kind").string(object).orElse("");
        }

        String name() {
            return YamlPath.of("metadata", "name").string(object).orElse("");
        }

        String where() {
            return file.getFileName() + " " + kind() + " " + name();
        }

        /** The pod template's containers of a Deployment, StatefulSet or Job (init containers included). */
        List<Map<String, Object>> containers() {
            List<Map<String, Object>> containers = new ArrayList<>();
            for (String list : List.of("containers", "initContainers")) {
                for (Object container : YamlPath.of("spec", "template", "spec", list).list(object)) {
                    containers.add(YamlPath.of().map(container));
                }
            }
            return containers;
        }
    }

    static KubernetesManifests read(List<Path> files) {
        List<Manifest> manifests = new ArrayList<>();
        for (Path file : files) {
            YamlDocuments.mappings(file).forEach(object -> manifests.add(new Manifest(file, object)));
        }
        return new KubernetesManifests(List.copyOf(manifests));
    }

    List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(manifest -> manifest.kind().equals(kind)).toList();
    }

    Optional<Manifest> named(String kind, String name) {
        return ofKind(kind).stream().filter(manifest -> manifest.name().equals(name)).findFirst();
    }

    /** The entries of every ConfigMap, by map name. */
    Map<String, Map<String, String>> configMaps() {
        Map<String, Map<String, String>> maps = new LinkedHashMap<>();
        for (Manifest manifest : ofKind("ConfigMap")) {
            Map<String, String> data = new LinkedHashMap<>();
            YamlPath.of("data").map(manifest.object()).forEach((key, value) -> data.put(key, String.valueOf(value)));
            maps.put(manifest.name(), data);
        }
        return maps;
    }

    /** The one ConfigMap's entries (deploy/k8s has one for all services). */
    Map<String, String> configMapData() {
        Map<String, Map<String, String>> maps = configMaps();
        if (maps.size() != 1) {
            throw new IllegalStateException("expected one ConfigMap in deploy/k8s, found " + maps.keySet());
        }
        return maps.values().iterator().next();
    }

    /** Containers that run the SpecStream image, with their args and the environment Kubernetes gives them. */
    List<ContainerCommand> specstreamCommands(String specstreamRepository) {
        return manifests.stream().flatMap(manifest -> commandsOf(manifest, specstreamRepository).stream()).toList();
    }

    /** The SpecStream containers of one workload (Deployment, Job ...). */
    List<ContainerCommand> commandsOf(Manifest manifest, String specstreamRepository) {
        List<ContainerCommand> commands = new ArrayList<>();
        for (Map<String, Object> container : manifest.containers()) {
            String image = YamlPath.of("image").string(container).orElse("");
            if (ImageReference.parse(image).repository().equals(specstreamRepository)) {
                List<String> args = YamlPath.of("args").list(container).stream().map(String::valueOf).toList();
                commands.add(new ContainerCommand(manifest.where() + " container "
                        + YamlPath.of("name").string(container).orElse("?"), image, args, environment(container),
                        container));
            }
        }
        return commands;
    }

    private Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Map<String, String>> configMaps = configMaps();
        for (Object source : YamlPath.of("envFrom").list(container)) {
            YamlPath.of("configMapRef", "name").string(source)
                    .ifPresent(map -> environment.putAll(configMaps.getOrDefault(map, Map.of())));
        }
        for (Object variable : YamlPath.of("env").list(container)) {
            String name = YamlPath.of("name").string(variable).orElseThrow();
            YamlPath.of("value").string(variable).ifPresent(value -> environment.put(name, value));
            YamlPath.of("valueFrom", "fieldRef", "fieldPath").string(variable)
                    .ifPresent(field -> environment.put(name, POD_FIELD_STAND_IN));
        }
        return environment;
    }
}
