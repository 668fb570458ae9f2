package io.specstream.verify.policy;

import java.nio.file.Path;

/**
 * A published policy version: its number and the target model directory (Optimum layout) it is decoded with.
 * Version 0 is the verifier's own configured model; a trainer publishes 1, 2, ... on the {@code policies} topic.
 */
public record PolicyModel(long version, Path modelDir) {

    public PolicyModel {
        if (version < 0) {
            throw new IllegalArgumentException("policy version " + version + " is not valid; allowed values: >= 0");
        }
        if (modelDir == null) {
            throw new IllegalArgumentException("policy version " + version + " names no model directory");
        }
    }
}
