package io.specstream.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** deploy/compose/compose.yaml, parsed: its services, the images they run, the commands and the files they mount. */
record ComposeFile(Path file, Map<String, Object> document) {

    /** A bind mount of the short syntax {@code ./client.properties:/etc/specstream/client.properties:ro}. */
    record BindMount(String service, String source) {
    }

    static ComposeFile read(Path file) {
        return new ComposeFile(file, YamlDocuments.mappings(file).get(0));
    }

    Path directory() {
        return file.getParent();
    }

    Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        YamlPath.of("services").map(document).forEach((name, service) ->
                services.put(name, YamlPath.of().map(service)));
        return services;
    }

    Optional<String> image(String service) {
        return YamlPath.of("image").string(services().get(service));
    }

    /** Services that run the SpecStream image, with their command. */
    List<ContainerCommand> specstreamCommands(String specstreamRepository) {
        List<ContainerCommand> commands = new ArrayList<>();
        services().forEach((name, service) -> {
            String image = YamlPath.of("image").string(service).orElse("");
            if (ImageReference.parse(image).repository().equals(specstreamRepository)) {
                List<String> args = YamlPath.of("command").list(service).stream().map(String::valueOf).toList();
                commands.add(new ContainerCommand(file.getFileName() + " service " + name, image, args, Map.of(),
                        service));
            }
        });
        return commands;
    }

    /** Host paths mounted into containers (named volumes left out: they are not files of the repository). */
    List<BindMount> bindMounts() {
        List<BindMount> mounts = new ArrayList<>();
        services().forEach((name, service) -> {
            for (Object volume : YamlPath.of("volumes").list(service)) {
                String source = volume instanceof Map<?, ?> map ? String.valueOf(map.get("source"))
                        : String.valueOf(volume).split(":")[0];
                boolean bind = volume instanceof Map<?, ?> map ? "bind".equals(map.get("type"))
                        : source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
                if (bind) {
                    mounts.add(new BindMount(name, source));
                }
            }
        });
        return mounts;
    }
}
