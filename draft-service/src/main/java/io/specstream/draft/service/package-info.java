/**
 * draft-service on Kafka: {@link io.specstream.draft.service.DraftLoop} follows {@code prompts} and {@code commits}
 * and streams a {@link io.specstream.draft.ModelDrafter}'s run-ahead tails to {@code drafts};
 * {@link io.specstream.draft.service.RequestTerms} reads a request the same way on both sides of the hop.
 */
package io.specstream.draft.service;
