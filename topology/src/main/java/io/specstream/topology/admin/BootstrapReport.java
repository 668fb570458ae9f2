package io.specstream.topology.admin;

import java.util.List;

/** What {@link TopicBootstrap} did: topics it created and topics that were already there and fit. */
public record BootstrapReport(List<String> created, List<String> existing) {

    public BootstrapReport {
        created = List.copyOf(created);
        existing = List.copyOf(existing);
    }
}
