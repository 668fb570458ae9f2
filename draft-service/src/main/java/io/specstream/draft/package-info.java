/**
 * Drafters: sources of draft tokens the verifier may use as hints. {@link io.specstream.draft.Drafter} is the one
 * interface every drafter implements; {@link io.specstream.draft.ModelDrafter} drafts with a small model, batched
 * across its sequences, with rollback by cache truncation and a run-ahead window. {@link io.specstream.draft.SequenceKey}
 * and {@link io.specstream.draft.DraftTail} are shared with verify-service (which depends on this module, never
 * the other way round).
 */
package io.specstream.draft;
