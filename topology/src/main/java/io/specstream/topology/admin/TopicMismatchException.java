package io.specstream.topology.admin;

import java.util.List;

/** Existing topics that the pipeline cannot run on; the message lists every problem and how to fix it. */
public final class TopicMismatchException extends RuntimeException {

    private final List<String> problems;

    public TopicMismatchException(List<String> problems) {
        super("refusing to start, existing topics do not match the catalogue:\n  - " + String.join("\n  - ", problems)
                + "\nIncrease the partitions (kafka-topics --alter --partitions N), fix cleanup.policy, "
                + "or use another --topic-prefix.");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
