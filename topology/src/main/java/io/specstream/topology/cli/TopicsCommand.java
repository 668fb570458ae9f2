package io.specstream.topology.cli;

import io.specstream.topology.admin.BootstrapReport;
import io.specstream.topology.admin.SchemaBootstrap;
import io.specstream.topology.admin.TopicBootstrap;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code specstream topics create|describe}: the catalogue's topics on any cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create (idempotent, validates existing topics) or describe the catalogue's topics.")
public final class TopicsCommand implements Callable<Integer> {

    enum Action { create, describe }

    @Parameters(index = "0", paramLabel = "ACTION", description = "create or describe (valid: ${COMPLETION-CANDIDATES})")
    Action action;

    @Mixin
    ConnectionOptions connection;

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
            } else {
                bootstrap.describe().forEach((name, description) -> out.println(name + "\tpartitions="
                        + description.partitions().size() + "\treplicas="
                        + description.partitions().get(0).replicas().size()));
            }
        }
        return 0;
    }
}
