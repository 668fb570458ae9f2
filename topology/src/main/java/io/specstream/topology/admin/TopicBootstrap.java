package io.specstream.topology.admin;

import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the catalogue's topics through the Admin client. Idempotent: a second run finds every topic and changes
 * nothing. Refuses to go on when an existing topic has fewer partitions than configured (requests would be spread
 * differently than the services expect) or another cleanup policy (a compacted changelog that deletes loses state).
 * More partitions than configured are fine.
 */
public final class TopicBootstrap {

    private static final short MAX_REPLICATION = 3;
    private static final Duration METADATA_PROPAGATION = Duration.ofSeconds(30);

    private final Admin admin;
    private final TopicCatalogue catalogue;

    public TopicBootstrap(Admin admin, TopicCatalogue catalogue) {
        this.admin = admin;
        this.catalogue = catalogue;
    }

    public BootstrapReport ensureTopics() {
        return ensureTopics(catalogue.all());
    }

    public BootstrapReport ensureTopics(Collection<? extends TopicSpec<?, ?>> specs) {
        Set<String> present = call(() -> admin.listTopics().names().get());
        List<String> created = new ArrayList<>();
        List<TopicSpec<?, ?>> missing = specs.stream()
                .filter(spec -> !present.contains(catalogue.name(spec)))
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            short replication = replicationFactor();
            var results = admin.createTopics(missing.stream().map(spec -> catalogue.newTopic(spec, replication)).toList())
                    .values();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get();
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new KafkaException("could not create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while creating topics", e);
                }
            }
        }
        awaitVisible(specs.stream().map(catalogue::name).toList());
        List<TopicSpec<?, ?>> toCheck = specs.stream()
                .filter(spec -> !created.contains(catalogue.name(spec)))
                .collect(Collectors.toList());
        validate(toCheck);
        return new BootstrapReport(created, toCheck.stream().map(catalogue::name).toList());
    }

    /** Describes the catalogue's topics as they are on the cluster: name → description (absent topics are left out). */
    public Map<String, TopicDescription> describe() {
        Set<String> present = call(() -> admin.listTopics().names().get());
        List<String> names = catalogue.all().stream().map(catalogue::name).filter(present::contains).toList();
        return call(() -> admin.describeTopics(names).allTopicNames().get());
    }

    private void validate(List<TopicSpec<?, ?>> specs) {
        if (specs.isEmpty()) {
            return;
        }
        Map<String, TopicSpec<?, ?>> byName = specs.stream()
                .collect(Collectors.toMap(catalogue::name, Function.identity()));
        Map<String, TopicDescription> descriptions = call(() -> admin.describeTopics(byName.keySet()).allTopicNames().get());
        List<ConfigResource> resources = byName.keySet().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = call(() -> admin.describeConfigs(resources).all().get());
        List<String> problems = new ArrayList<>();
        byName.forEach((name, spec) -> {
            int actual = descriptions.get(name).partitions().size();
            int wanted = catalogue.partitions(spec);
            if (actual < wanted) {
                problems.add("topic '" + name + "' has " + actual + " partitions, the catalogue needs at least " + wanted);
            }
            var policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String actualPolicy = policy == null ? null : policy.value();
            if (!spec.cleanupPolicy().matches(actualPolicy)) {
                problems.add("topic '" + name + "' has cleanup.policy=" + actualPolicy + ", the catalogue needs "
                        + spec.cleanupPolicy().configValue());
            }
        });
        if (!problems.isEmpty()) {
            throw new TopicMismatchException(problems);
        }
    }

    /**
     * A topic that listTopics shows (or that createTopics just made) can still be unknown to the broker that answers
     * the next request while metadata propagates; wait until every one can be described, so that callers can use
     * the topics as soon as this returns.
     */
    private void awaitVisible(List<String> names) {
        Instant deadline = Instant.now().plus(METADATA_PROPAGATION);
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get();
                admin.describeConfigs(names.stream()
                        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || Instant.now().isAfter(deadline)) {
                    throw new KafkaException("topics " + names + " did not become visible: " + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topic metadata", e);
            }
        }
    }

    /** Up to three replicas, never more than there are brokers (the embedded cluster has one). */
    private short replicationFactor() {
        int brokers = call(() -> admin.describeCluster().nodes().get()).size();
        return (short) Math.max(1, Math.min(MAX_REPLICATION, brokers));
    }

    private interface AdminCall<T> {
        T get() throws InterruptedException, ExecutionException;
    }

    private static <T> T call(AdminCall<T> call) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            throw new KafkaException("admin request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted during an admin request", e);
        }
    }
}
