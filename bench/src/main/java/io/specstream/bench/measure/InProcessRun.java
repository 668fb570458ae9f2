package io.specstream.bench.measure;

/**
 * The Kafka-free baseline of one sampling and concurrency: how long the bare loop took, how much of that was the
 * batched forward, and how many batched steps it took — beside the pipeline's own forward time and steps it tells a
 * slower pipeline's work around the steps from the same forward work taking longer.
 */
public record InProcessRun(double seconds, double forwardSeconds, long steps) {
}
