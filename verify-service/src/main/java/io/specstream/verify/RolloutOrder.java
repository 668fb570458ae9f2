package io.specstream.verify;

import java.util.Comparator;
import java.util.List;

/** Orders completed rollouts by their request's position in the submitted list, then by sample index. */
final class RolloutOrder {

    private RolloutOrder() {
    }

    static List<CompletedRollout> sort(List<CompletedRollout> rollouts, List<RolloutSpec> specs) {
        List<String> order = specs.stream().map(RolloutSpec::requestId).toList();
        return rollouts.stream()
                .sorted(Comparator.comparingInt((CompletedRollout r) -> order.indexOf(r.requestId()))
                        .thenComparingInt(CompletedRollout::sampleIndex))
                .toList();
    }
}
