package io.specstream.topology.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration of a single-node KRaft cluster (one process is broker and controller) sized for a laptop or a
 * 2-core CI box: every internal topic with one replica and few partitions, a small log-cleaner buffer (the default
 * 128 MB would dominate the heap), no auto-created topics (the catalogue creates them). The client listener is
 * PLAINTEXT, or SASL_PLAINTEXT with SCRAM when {@code sasl} is given.
 */
record BrokerProperties(int nodeId, int brokerPort, int controllerPort, Path logDirectory,
                        Optional<ScramListener> sasl) {

    static final String CONTROLLER_LISTENER = "CONTROLLER";

    Properties toProperties(Map<String, String> overrides) {
        String client = sasl.isPresent() ? ScramListener.LISTENER : "PLAINTEXT";
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", nodeId + "@127.0.0.1:" + controllerPort);
        props.put("listeners", client + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
                + controllerPort);
        props.put("advertised.listeners", client + "://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", client);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", logDirectory.toString());
        props.put("metadata.log.dir", logDirectory.toString());
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        sasl.ifPresent(listener -> props.putAll(listener.brokerProperties()));
        props.putAll(overrides);
        return props;
    }
}
