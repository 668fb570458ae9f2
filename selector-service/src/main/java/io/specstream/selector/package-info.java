/**
 * selector-service: Fastest-of-N drafter selection as a Kafka Streams application. Acceptance events in
 * ({@link io.specstream.selector.stream.SelectorTopology}), per-request drafter assignments out, decided by
 * {@link io.specstream.selector.policy.SelectionPolicy}; run with {@link io.specstream.selector.SelectorService} or
 * {@code specstream selector}.
 */
package io.specstream.selector;
