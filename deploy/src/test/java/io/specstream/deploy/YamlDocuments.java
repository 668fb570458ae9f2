package io.specstream.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The documents of one YAML file (a Kubernetes file holds several, separated by {@code ---}), parsed with SnakeYAML's
 * safe constructor: plain maps, lists and scalars, anchors and merge keys ({@code <<: *specstream}) resolved.
 */
final class YamlDocuments {

    private YamlDocuments() {
    }

    /** Every non-empty document; a syntax error fails with the file's name and the position. */
    static List<Object> load(Path file) {
        List<Object> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " does not parse: " + e.getMessage(), e);
        }
        return documents;
    }

    /** The documents that are mappings (every Kubernetes object, the compose file). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> mappings(Path file) {
        return load(file).stream().filter(Map.class::isInstance).map(document -> (Map<String, Object>) document).toList();
    }
}
