package io.specstream.topology.cli;

import io.specstream.topology.admin.BootstrapReport;
import io.specstream.topology.admin.SchemaBootstrap;
import io.specstream.topology.admin.TopicBootstrap;
import io.specstream.topology.catalogue.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code specstream topics create|describe}: the catalogue's topics on any cluster. With the instance counts an
 * operator plans, it warns on stderr when a service would have more instances than {@code prompts} has partitions:
 * <pre>
 * specstream topics create --partitions 6 --verify-instances 8
 * warning: --verify-instances 8 is more than the 6 partitions of topic 'prompts': 2 of the 8 verify instances ...
 * </pre>
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create (idempotent, validates existing topics) or describe the catalogue's topics.")
public final class TopicsCommand implements Callable<Integer> {

    enum Action { create, describe }

    @Parameters(index = "0", paramLabel = "ACTION", description = "create or describe (valid: ${COMPLETION-CANDIDATES})")
    Action action;

    @Mixin
    ConnectionOptions connection;

    private PlannedInstances verifyInstances;
    private PlannedInstances draftInstances;

    @Option(names = "--verify-instances", paramLabel = "N", defaultValue = "1",
            description = "verify-service instances you plan to run; warns when more than the partitions of prompts "
                    + "(default: ${DEFAULT-VALUE}).")
    void setVerifyInstances(int count) {
        verifyInstances = planned("verify", "--verify-instances", count);
    }

    @Option(names = "--draft-instances", paramLabel = "N", defaultValue = "1",
            description = "draft-service instances you plan to run; warns when more than the partitions of prompts "
                    + "(default: ${DEFAULT-VALUE}).")
    void setDraftInstances(int count) {
        draftInstances = planned("draft", "--draft-instances", count);
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(connection.settings().admin())) {
            TopicBootstrap bootstrap = new TopicBootstrap(admin, connection.catalogue());
            if (action == Action.create) {
                BootstrapReport report = bootstrap.ensureTopics();
                var settings = connection.settings();
                var subjects = new SchemaBootstrap(connection.registry(settings), connection.catalogue()).registerAll();
                out.println("schemas registered: " + subjects);
                out.println("created: " + report.created());
                out.println("already there and valid: " + report.existing());
                warnAboutIdleInstances(bootstrap.describe());
            } else {
                Map<String, TopicDescription> described = bootstrap.describe();
                described.forEach((name, description) -> out.println(name + "\tpartitions="
                        + description.partitions().size() + "\treplicas="
                        + description.partitions().get(0).replicas().size()));
                warnAboutIdleInstances(described);
            }
        }
        return 0;
    }

    /** Compares with the partitions prompts really has: an existing topic may have more than --partitions. */
    private void warnAboutIdleInstances(Map<String, TopicDescription> described) {
        String prompts = connection.catalogue().name(Topics.PROMPTS);
        TopicDescription description = described.get(prompts);
        if (description == null) {
            return;
        }
        int partitions = description.partitions().size();
        PrintWriter err = spec.commandLine().getErr();
        List.of(verifyInstances, draftInstances).forEach(planned ->
                planned.idleWarning(prompts, partitions).ifPresent(err::println));
        err.flush();
    }

    private PlannedInstances planned(String service, String flag, int count) {
        try {
            return new PlannedInstances(service, flag, count);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
