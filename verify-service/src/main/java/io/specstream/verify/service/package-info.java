/**
 * verify-service on Kafka. Two threads: {@link io.specstream.verify.service.VerifyLoop}, the step thread, drives the
 * in-process {@link io.specstream.verify.VerifyEngine} from {@code prompts} and the hint topics and only decodes;
 * {@link io.specstream.verify.service.VerifyOutput}, the I/O side, owns the producers and writes commit and acceptance
 * batches where a consumer needs them, snapshots, and per batch of completions the rollouts, final snapshots and
 * prompt offsets in one transaction. {@link io.specstream.verify.service.InputRecords} and
 * {@link io.specstream.verify.service.OutputRecords} are the converters in and out.
 */
package io.specstream.verify.service;
