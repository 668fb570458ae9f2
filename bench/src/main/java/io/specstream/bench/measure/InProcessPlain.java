package io.specstream.bench.measure;

import io.specstream.bench.BenchPlan;
import io.specstream.bench.Workload;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.runtime.OnCore;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.verify.PlainRollouts;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.RequestSpecs;

import java.util.List;
import java.util.OptionalInt;

/**
 * The Kafka-free baseline: plain decoding of the same workload in this process, the engine stepping in a bare loop
 * with the same batch limit and on the verifier's core — what plain through the pipeline costs without topics,
 * serdes, polling and transactions.
 */
public final class InProcessPlain {

    private final BenchPlan plan;
    private final OptionalInt core;

    public InProcessPlain(BenchPlan plan, OptionalInt core) {
        this.plan = plan;
        this.core = core;
    }

    /** Decodes every epoch of {@code workload}, one epoch after the other, {@code concurrency} at a time. */
    public InProcessRun run(Workload workload, int concurrency) {
        return OnCore.call(core, "in-process-plain", () -> decode(workload, concurrency));
    }

    private InProcessRun decode(Workload workload, int concurrency) {
        ModelDirectory target = ModelDirectory.open(plan.targetDir());
        VerifyConfig config = new VerifyConfig(concurrency, Math.max(512, concurrency), 0, plan.targetDir(),
                InferenceOptions.cpu(1));
        try (TextTokenizer tokenizer = TextTokenizer.open(target.tokenizerFile());
             VerifyEngine engine = VerifyEngine.open(config)) {
            RequestSpecs specs = new RequestSpecs(new PromptEncoder(tokenizer, target.config()));
            PlainRollouts plain = new PlainRollouts(engine);
            long started = System.nanoTime();
            long forwardBefore = engine.time().forwardNanos();
            for (var epoch : workload.epochs()) {
                List<RolloutSpec> batch = epoch.stream().map(specs::toSpec).toList();
                plain.run(batch);
            }
            return new InProcessRun((System.nanoTime() - started) / 1e9,
                    (engine.time().forwardNanos() - forwardBefore) / 1e9, plain.steps());
        }
    }
}
