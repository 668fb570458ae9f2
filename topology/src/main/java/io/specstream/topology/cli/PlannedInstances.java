package io.specstream.topology.cli;

import java.util.Optional;

/**
 * How many instances of a consumer-group service an operator means to run, checked against the partitions of the
 * topic the group divides. A group gives each partition to one member, so members beyond the partition count get
 * nothing to do.
 *
 * <p>Example: {@code new PlannedInstances("verify", "--verify-instances", 8).idleWarning("prompts", 6)} is
 * "warning: --verify-instances 8 is more than the 6 partitions of topic 'prompts': 2 of the 8 verify instances would
 * sit idle (a consumer group gives each partition to one instance)"; with 6 partitions or more it is empty.
 *
 * @param service the service's name as operators know it ({@code verify}, {@code draft})
 * @param flag    the flag the count came from, named in the warning
 * @param count   planned instances, at least 1
 */
record PlannedInstances(String service, String flag, int count) {

    PlannedInstances {
        if (count < 1) {
            throw new IllegalArgumentException(flag + " " + count + " is not valid; allowed values: an integer >= 1");
        }
    }

    Optional<String> idleWarning(String topic, int partitions) {
        if (count <= partitions) {
            return Optional.empty();
        }
        return Optional.of("warning: " + flag + " " + count + " is more than the " + partitions
                + " partitions of topic '" + topic + "': " + (count - partitions) + " of the " + count + " " + service
                + " instances would sit idle (a consumer group gives each partition to one instance)");
    }
}
