package io.specstream.verify.policy;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a verifier has of the policy versions, for operators ({@code specstream policy list}): immutable, so the
 * thread that publishes it may read it while the step thread goes on.
 *
 * @param loaded    versions loaded and decoding, oldest first
 * @param admitting the version a request naming none gets now
 * @param loading   versions being loaded in the background
 * @param failed    versions that could not be loaded, each "N: reason"
 */
public record PolicyStatusView(List<Long> loaded, OptionalLong admitting, List<Long> loading, List<String> failed) {

    public PolicyStatusView {
        loaded = List.copyOf(loaded);
        loading = List.copyOf(loading);
        failed = List.copyOf(failed);
    }
}
