package io.specstream.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A path of keys into parsed YAML. Example: {@code YamlPath.of("spec", "template", "spec", "containers").list(doc)}
 * is a Deployment's containers, or an empty list where any key on the way is missing.
 */
record YamlPath(List<String> keys) {

    static YamlPath of(String... keys) {
        return new YamlPath(List.of(keys));
    }

    Optional<Object> in(Object node) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return Optional.empty();
            }
            current = map.get(key);
        }
        return Optional.ofNullable(current);
    }

    /** The scalar there as a string (YAML may have read {@code 9464} as a number), or empty. */
    Optional<String> string(Object node) {
        return in(node).filter(value -> !(value instanceof Map) && !(value instanceof List)).map(String::valueOf);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(Object node) {
        return in(node).filter(Map.class::isInstance).map(value -> (Map<String, Object>) value).orElse(Map.of());
    }

    List<?> list(Object node) {
        return in(node).filter(List.class::isInstance).map(value -> (List<?>) value).orElse(List.of());
    }
}
