/**
 * Drafters: sources of draft tokens the verifier may use as hints, each implementing the contract's
 * {@link io.specstream.contract.Drafter}. {@link io.specstream.draft.ModelDrafter} drafts with a small model, batched
 * across its sequences, with rollback by cache truncation and a run-ahead window; {@link io.specstream.draft.NgramDrafter}
 * and {@link io.specstream.draft.SuffixDrafter} are model-free and cost microseconds, so they also run inside the
 * verifier (the composition root hands them over as {@code Drafter}s; verify-service never imports this module).
 */
package io.specstream.draft;
