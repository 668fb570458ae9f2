package io.specstream.topology.catalogue;

/**
 * How a topic is partitioned. Everything about one request is keyed by its id, so every per-request topic has the
 * pipeline's partition count (the same request lands on the same partition number everywhere); bookkeeping topics
 * such as the registry's {@code _schemas} need total order and have exactly one partition.
 */
public enum Sharding {
    /** One partition: total order. */
    SINGLE,
    /** The pipeline's partition count, keyed by request id. */
    BY_REQUEST
}
