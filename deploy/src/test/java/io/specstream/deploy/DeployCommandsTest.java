package io.specstream.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The commands compose and Kubernetes run exist in the real command tree: a subcommand or flag renamed in code fails
 * here instead of in a cluster.
 */
class DeployCommandsTest {

    private final DeployFiles deploy = DeployFiles.read();
    private final SpecStreamCommandTree tree = new SpecStreamCommandTree();

    @Test
    void composeAndKubernetesRunEveryService() {
        Set<String> compose = deploy.compose().specstreamCommands(DeployFiles.SPECSTREAM_REPOSITORY).stream()
                .map(ContainerCommand::subcommand).collect(Collectors.toSet());
        Set<String> kubernetes = deploy.kubernetes().specstreamCommands(DeployFiles.SPECSTREAM_REPOSITORY).stream()
                .map(ContainerCommand::subcommand).collect(Collectors.toSet());

        Set<String> services = Set.of("topics", "verify", "draft", "selector");
        assertTrue(compose.containsAll(services), compose.toString());
        assertTrue(kubernetes.containsAll(services), kubernetes.toString());
    }

    @Test
    void everySubcommandExists() {
        for (ContainerCommand command : deploy.specstreamCommands()) {
            assertTrue(tree.subcommand(command.subcommand()).isPresent(),
                    command.where() + " runs 'specstream " + command.subcommand() + "', which does not exist");
        }
    }

    @Test
    void everyFlagIsAnOptionOfItsSubcommand() {
        for (ContainerCommand command : deploy.specstreamCommands()) {
            List<String> flags = command.flags();
            assertFalse(flags.isEmpty(), command.where() + " passes no flags");
            for (String flag : flags) {
                assertTrue(tree.option(command.subcommand(), flag).isPresent(), command.where() + " passes " + flag
                        + ", which 'specstream " + command.subcommand() + "' does not take");
            }
        }
    }

    @Test
    void everyCommandParsesWithTheValuesKubernetesSubstitutes() {
        for (ContainerCommand command : deploy.specstreamCommands()) {
            List<String> args = command.expandedArgs();
            assertFalse(args.stream().anyMatch(arg -> arg.contains("$(")),
                    command.where() + ": a $(VARIABLE) its environment does not define: " + args);
            assertDoesNotThrow(() -> SpecStreamCommandTree.parse(args), command.where() + ": " + args);
        }
    }

    @Test
    void everyCommandPassesTheClientConfigFile() {
        for (ContainerCommand command : deploy.specstreamCommands()) {
            assertTrue(command.value("--client-config").filter(file -> file.endsWith("client.properties")).isPresent(),
                    command.where() + " passes no --client-config: security settings would not reach its clients");
        }
    }
}
