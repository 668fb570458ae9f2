/**
 * verify-service on Kafka: {@link io.specstream.verify.service.VerifyLoop} drives the in-process
 * {@link io.specstream.verify.VerifyEngine} from the {@code prompts} and {@code drafts} topics and writes
 * {@code commits} and {@code acceptance} per step (plain producer) and {@code rollouts}, final {@code sequences}
 * snapshots and prompt offsets per batch of completions (one transaction);
 * {@link io.specstream.verify.service.VerifyService} starts it from a properties file.
 */
package io.specstream.verify.service;
