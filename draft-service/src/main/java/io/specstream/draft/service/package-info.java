/**
 * draft-service on Kafka: {@link io.specstream.draft.service.DraftLoop} follows {@code prompts}, {@code commit-batches}
 * and {@code sequences}, and streams its drafters' tails ({@link io.specstream.draft.service.TailSource}) to
 * {@code draft-batches}; the contract's {@link io.specstream.contract.RequestTerms} reads a request the same way on both
 * sides of the hop.
 */
package io.specstream.draft.service;
