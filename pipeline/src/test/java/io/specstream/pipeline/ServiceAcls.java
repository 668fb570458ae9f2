package io.specstream.pipeline;

import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

/**
 * The least-privilege ACLs of each SpecStream principal, as {@link SaslScramPipelineTest} proves them sufficient
 * (deploy/README.md documents the same list). Every grant is ALLOW from any host; READ and WRITE imply DESCRIBE.
 *
 * <pre>{@code
 * new ServiceAcls("User:draft", catalogue)
 *         .reads(Topics.PROMPTS, Topics.COMMITS, Topics.ASSIGNMENTS, Topics.SEQUENCES)
 *         .writes(Topics.DRAFTS, Topics.HEARTBEATS, Topics.DEAD_LETTERS)
 *         .group("draft-service", PatternType.LITERAL)
 *         .bindings();
 * }</pre>
 */
final class ServiceAcls {

    private final String principal;
    private final TopicCatalogue catalogue;
    private final List<AclBinding> bindings = new ArrayList<>();

    ServiceAcls(String principal, TopicCatalogue catalogue) {
        this.principal = principal;
        this.catalogue = catalogue;
    }

    /**
     * verify-service: prompts in (read_committed), drafts and assignments followed, sequences read back on a
     * takeover, policy versions followed; rollouts in transactions, its policy status out.
     */
    static List<AclBinding> verify(String principal, TopicCatalogue catalogue, String groupId,
                                   String transactionalIdPrefix) {
        return new ServiceAcls(principal, catalogue)
                .reads(Topics.PROMPTS, Topics.DRAFTS, Topics.ASSIGNMENTS, Topics.SEQUENCES, Topics.POLICIES)
                .writes(Topics.COMMITS, Topics.ACCEPTANCE, Topics.ROLLOUTS, Topics.SEQUENCES, Topics.DEAD_LETTERS,
                        Topics.POLICY_STATUS)
                .group(groupId, PatternType.LITERAL)
                .transactionalIds(transactionalIdPrefix)
                .bindings();
    }

    /**
     * draft-service: prompts, commits, assignments, sequences and policy versions in; drafts, heartbeats and dead letters out; the
     * verify group's committed offsets looked up (DESCRIBE) when partitions are assigned.
     */
    static List<AclBinding> draft(String principal, TopicCatalogue catalogue, String groupId, String verifyGroupId) {
        return new ServiceAcls(principal, catalogue)
                .reads(Topics.PROMPTS, Topics.COMMITS, Topics.ASSIGNMENTS, Topics.SEQUENCES, Topics.POLICIES)
                .writes(Topics.DRAFTS, Topics.HEARTBEATS, Topics.DEAD_LETTERS)
                .group(groupId, PatternType.LITERAL)
                .allow(ResourceType.GROUP, verifyGroupId, PatternType.LITERAL, AclOperation.DESCRIBE)
                .bindings();
    }

    /**
     * selector-service (Kafka Streams): acceptance and heartbeats in, assignments out, plus its application id as
     * group and the internal topics Streams names after it (the store's changelog).
     */
    static List<AclBinding> selector(String principal, TopicCatalogue catalogue, String applicationId) {
        return new ServiceAcls(principal, catalogue)
                .reads(Topics.ACCEPTANCE, Topics.HEARTBEATS)
                .writes(Topics.ASSIGNMENTS)
                .group(applicationId, PatternType.LITERAL)
                .internalTopics(applicationId)
                .bindings();
    }

    /**
     * The trainer: prompts and policy versions out, rollouts (read_committed) and the verifiers' policy status in,
     * each consumer in a group of its own.
     */
    static List<AclBinding> trainer(String principal, TopicCatalogue catalogue, String groupPrefix) {
        return new ServiceAcls(principal, catalogue)
                .writes(Topics.PROMPTS, Topics.POLICIES)
                .reads(Topics.ROLLOUTS, Topics.POLICY_STATUS)
                .group(groupPrefix, PatternType.PREFIXED)
                .bindings();
    }

    /** The embedded schema registry: its store topic, created if missing, replayed without a group, appended to. */
    static List<AclBinding> registry(String principal, TopicCatalogue catalogue) {
        return new ServiceAcls(principal, catalogue)
                .reads(Topics.SCHEMAS)
                .writes(Topics.SCHEMAS)
                .topic(Topics.SCHEMAS, AclOperation.CREATE)
                .bindings();
    }

    ServiceAcls reads(TopicSpec<?, ?>... topics) {
        for (TopicSpec<?, ?> topic : topics) {
            topic(topic, AclOperation.READ);
        }
        return this;
    }

    ServiceAcls writes(TopicSpec<?, ?>... topics) {
        for (TopicSpec<?, ?> topic : topics) {
            topic(topic, AclOperation.WRITE);
        }
        return this;
    }

    ServiceAcls topic(TopicSpec<?, ?> topic, AclOperation operation) {
        return allow(ResourceType.TOPIC, catalogue.name(topic), PatternType.LITERAL, operation);
    }

    ServiceAcls group(String name, PatternType pattern) {
        return allow(ResourceType.GROUP, name, pattern, AclOperation.READ);
    }

    /** WRITE on transactional ids starting with {@code prefix} (one id per verify instance). */
    ServiceAcls transactionalIds(String prefix) {
        return allow(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE);
    }

    /**
     * What Kafka Streams does to the topics it creates, named {@code <application id>-...}: creates them, writes the
     * store's changes, reads them back to restore. (DESCRIBE_CONFIGS is not needed, on a first start or a restart.)
     */
    ServiceAcls internalTopics(String applicationId) {
        for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE)) {
            allow(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED, operation);
        }
        return this;
    }

    List<AclBinding> bindings() {
        return List.copyOf(bindings);
    }

    private ServiceAcls allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        return this;
    }
}
