package io.specstream.deploy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference as compose, Kubernetes and Dockerfiles write it.
 *
 * <p>Example: {@code "confluentinc/cp-schema-registry:8.0.0"} has repository {@code confluentinc/cp-schema-registry}
 * and tag {@code 8.0.0}; {@code "ubuntu"} has no tag, so it means {@code latest}, whatever that is on the day.
 */
record ImageReference(String text, String repository, Optional<String> tag, Optional<String> digest) {

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern REFERENCE = Pattern.compile(
            "(?<repository>(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?" + COMPONENT + "(?:/" + COMPONENT + ")*)"
                    + "(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?");

    static ImageReference parse(String text) {
        Matcher matcher = REFERENCE.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an image reference");
        }
        return new ImageReference(text, matcher.group("repository"), Optional.ofNullable(matcher.group("tag")),
                Optional.ofNullable(matcher.group("digest")));
    }

    /** Pinned by a digest, or a tag other than {@code latest}: the same reference pulls the same release. */
    boolean hasExplicitTag() {
        return digest.isPresent() || tag.filter(value -> !value.equals("latest")).isPresent();
    }

    /** From a registry anyone can pull from, not a local one (localhost:5000/..., 127.0.0.1/...). */
    boolean isPublic() {
        String first = repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : "";
        return !(first.startsWith("localhost") || first.startsWith("127.") || first.startsWith("host.docker.internal"));
    }
}
