package io.specstream.topology.embedded;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The embedded broker's client listener as SASL_PLAINTEXT with SCRAM-SHA-512 instead of PLAINTEXT: every client must
 * log in as one of {@code users} (or the super user). The users are created when the data directory is formatted (a
 * reused directory keeps the users it was first formatted with; add more with {@code Admin.alterUserScramCredentials}).
 *
 * <p>The super user is also the broker's own identity: inter-broker traffic (transaction markers the broker sends
 * itself) logs in with SCRAM on the same listener, and the broker reaches its controller over SASL/PLAIN — KRaft cannot
 * check SCRAM on the controller listener, since the credentials live in the metadata the controller serves.
 *
 * @param aclsRequired true: the StandardAuthorizer with {@code allow.everyone.if.no.acl.found=false}, so every user but
 *                     the super user may do only what ACLs grant; false: any logged-in user may do anything
 */
public record ScramListener(ScramUser superUser, List<ScramUser> users, boolean aclsRequired) {

    static final String LISTENER = "SASL_PLAINTEXT";

    public ScramListener {
        users = List.copyOf(users);
        long distinct = Stream.concat(Stream.of(superUser), users.stream()).map(ScramUser::name).distinct().count();
        if (distinct != users.size() + 1) {
            throw new IllegalArgumentException("SCRAM user names must be distinct (the super user's included), were "
                    + Stream.concat(Stream.of(superUser), users.stream()).map(ScramUser::name).toList());
        }
    }

    /** Every user's {@code --add-scram} argument, the super user first. */
    List<String> formatArguments() {
        return Stream.concat(Stream.of(superUser), users.stream()).map(ScramUser::formatArgument).toList();
    }

    /** Broker properties on top of {@link BrokerProperties}' (which names the listeners). */
    Map<String, String> brokerProperties() {
        String client = "listener.name." + LISTENER.toLowerCase() + ".";
        String controller = "listener.name." + BrokerProperties.CONTROLLER_LISTENER.toLowerCase() + ".";
        Map<String, String> props = new HashMap<>();
        props.put("listener.security.protocol.map", LISTENER + ":SASL_PLAINTEXT,"
                + BrokerProperties.CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        props.put(client + "sasl.enabled.mechanisms", ScramUser.MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", ScramUser.MECHANISM);
        props.put(client + ScramUser.MECHANISM.toLowerCase() + ".sasl.jaas.config",
                superUser.clientProperties().get("sasl.jaas.config"));
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put(controller + "sasl.enabled.mechanisms", "PLAIN");
        props.put(controller + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"" + superUser.name() + "\" password=\"" + superUser.password() + "\" user_"
                + superUser.name() + "=\"" + superUser.password() + "\";");
        if (aclsRequired) {
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("super.users", superUser.principal());
            props.put("allow.everyone.if.no.acl.found", "false");
        }
        return props;
    }
}
