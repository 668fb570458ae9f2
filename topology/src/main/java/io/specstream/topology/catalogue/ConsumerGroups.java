package io.specstream.topology.catalogue;

/**
 * The consumer groups of the services, part of the catalogue because they are a contract between services too:
 * draft-service reads the verify group's committed prompt offsets to know what is rolled out, and operators grant
 * ACLs and scale on their lag. Each is the default of its service's {@code --group-id}; the selector's Kafka Streams
 * application id is the catalogue prefix followed by {@link #SELECTOR} and an optional suffix.
 *
 * <pre>
 * verify-service         prompts (offsets committed in the completion transactions)
 * verify-service-drafts  the hint topics, assigned by hand (nothing committed)
 * draft-service          prompts, commit-batches, assignments, sequences (nothing committed)
 * specstream-selector    acceptance-batches → assignments (Kafka Streams)
 * </pre>
 */
public final class ConsumerGroups {

    /** Constants, so command-line defaults (annotation values) can name them. */
    public static final String VERIFY = "verify-service";
    public static final String DRAFT = "draft-service";
    public static final String SELECTOR = "specstream-selector";

    private ConsumerGroups() {
    }

    /** The group a verify instance reads the hint topics in, derived from its own {@code verifyGroup}. */
    public static String verifyHints(String verifyGroup) {
        return verifyGroup + "-drafts";
    }
}
