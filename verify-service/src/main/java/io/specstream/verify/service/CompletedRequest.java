package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.verify.CompletedRollout;

import java.util.List;

/**
 * A request whose every sample finished, handed from the step thread to the I/O side: its rollouts in sample order,
 * each with the time its first token came out. Committed in one transaction with the prompt offsets it frees.
 */
record CompletedRequest(Admission admission, List<CompletedRollout> rollouts, List<FirstToken> firstTokens) {

    CompletedRequest {
        rollouts = List.copyOf(rollouts);
        firstTokens = List.copyOf(firstTokens);
    }

    List<SequenceKey> keys() {
        return rollouts.stream().map(CompletedRollout::key).toList();
    }
}
