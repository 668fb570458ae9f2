package io.specstream.bench;

import io.specstream.schemas.avro.RolloutRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What every mode of one benchmark cell rolls out: the same prompts (GRPO groups of n samples each) over several
 * epochs, as RL re-samples its prompt set every epoch — which is what gives history drafting earlier rollouts of the
 * same prompt to draw on. Epoch e of prompt {@code rl-math-0007} is request {@code rl-math-0007@e1}, sampled with
 * seed {@code seed + e}, so at T = 1 every epoch draws new samples while greedy epochs repeat themselves.
 * Lengths keep the prompts' own long tail: most answers end in a few dozen tokens, a few run to the limit.
 *
 * <p>A verifier decodes a group together (shared prefill), so a group larger than the concurrency cannot run; there
 * each group is split into requests of at most {@code concurrency} samples ({@code rl-math-0007@e1/part2}), which keeps
 * the prompts and the number of sequences of every concurrency the same.
 */
public record Workload(List<List<RolloutRequest>> epochs) {

    public Workload {
        epochs = epochs.stream().map(List::copyOf).toList();
    }

    /**
     * {@code epochs} copies of {@code prompts} sampled as {@code sampling} says, groups split to fit
     * {@code concurrency}; {@code maxNewTokens} replaces each request's limit.
     */
    public static Workload of(List<RolloutRequest> prompts, int epochs, Sampling sampling, OptionalInt maxNewTokens,
                              int concurrency) {
        List<List<RolloutRequest>> all = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<RolloutRequest> requests = new ArrayList<>();
            for (RolloutRequest prompt : prompts) {
                String id = prompt.getRequestId() + "@e" + epoch;
                int samples = prompt.getNSamples();
                int parts = (samples + concurrency - 1) / concurrency;
                for (int part = 0; part < parts; part++) {
                    RolloutRequest request = RolloutRequest.newBuilder(prompt)
                            .setRequestId(parts == 1 ? id : id + "/part" + part)
                            .setNSamples(Math.min(concurrency, samples - part * concurrency))
                            .setSeed(prompt.getSeed() + epoch)
                            .setTemperature(sampling.temperature())
                            .build();
                    maxNewTokens.ifPresent(request::setMaxNewTokens);
                    requests.add(request);
                }
            }
            all.add(requests);
        }
        return new Workload(all);
    }

    /** This workload with every request from epoch {@code epoch} on naming policy version {@code version}. */
    public Workload namingPolicyFrom(int epoch, long version) {
        List<List<RolloutRequest>> named = new ArrayList<>();
        for (int e = 0; e < epochs.size(); e++) {
            named.add(e < epoch ? epochs.get(e) : epochs.get(e).stream()
                    .map(request -> RolloutRequest.newBuilder(request).setPolicyVersion(version).build()).toList());
        }
        return new Workload(named);
    }

    public int sequencesPerEpoch() {
        return epochs.isEmpty() ? 0 : epochs.get(0).stream().mapToInt(RolloutRequest::getNSamples).sum();
    }

    public int sequences() {
        return sequencesPerEpoch() * epochs.size();
    }
}
