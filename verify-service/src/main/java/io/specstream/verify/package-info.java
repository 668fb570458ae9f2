/**
 * The verifier's core: lossless speculative verification with continuous batching on the target model, as pure,
 * synchronous, single-threaded classes with no Kafka types (the service wiring drives them from one loop).
 *
 * <pre>{@code
 * try (VerifyEngine engine = VerifyEngine.open(VerifyConfig.from(settings))) {
 *     engine.submit(new RolloutSpec("req-1", promptIds, 4, 256, new int[0], List.of("\n\n"),
 *             new SamplingParams(0.8, 50, 0.95), 42));
 *     while (engine.hasWork()) {
 *         List<SequenceKey> joined = engine.admit();                    // open drafters for these
 *         List<StepOutcome> outcomes = engine.step(key -> bestTail(key)); // commits as deltas, acceptance counts
 *         List<CompletedRollout> done = engine.takeFinished();          // rollouts for the trainer
 *     }
 * }
 * }</pre>
 *
 * {@link io.specstream.verify.CoupledRollouts} (a drafter in lock-step: the vanilla speculative baseline) and
 * {@link io.specstream.verify.PlainRollouts} (no drafter) run a list of requests to completion. Every committed
 * token is the target's own choice at its position (see {@link io.specstream.verify.AcceptanceRule}), so the
 * rollouts do not depend on drafts, batching or step splits.
 */
package io.specstream.verify;
