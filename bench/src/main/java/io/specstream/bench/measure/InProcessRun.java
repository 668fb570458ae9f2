package io.specstream.bench.measure;

/**
 * The Kafka-free baseline of one sampling and concurrency: how long the bare loop took, and how much of that was the
 * batched forward — beside the pipeline's own forward time it tells a slower pipeline's work on the step thread
 * (polling, hand-offs) from the same native forward running slower in a busier process.
 */
public record InProcessRun(double seconds, double forwardSeconds) {
}
