package io.specstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.selector.SelectorConfig;
import io.specstream.topology.cli.SpecStreamCli;
import io.specstream.topology.cli.SubcommandProvider;
import io.specstream.topology.testing.CommandRefusal;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SelectorCommandTest {

    @Test
    void theSelectorSubcommandIsRegisteredWithTheCommandLine() {
        assertTrue(ServiceLoader.load(SubcommandProvider.class).stream()
                .anyMatch(provider -> provider.type() == SelectorCommandProvider.class));
        assertTrue(SpecStreamCli.commandLine().getSubcommands().containsKey("selector"));
    }

    @Test
    void withoutOptionsTheConfigIsTheDefaults() {
        SelectorCommand command = new SelectorCommand();
        new CommandLine(command).parseArgs();
        assertEquals(SelectorConfig.defaults(), command.config());
    }

    @Test
    void optionsReachTheConfig() {
        SelectorCommand command = new SelectorCommand();
        new CommandLine(command).parseArgs("--decay", "0.5", "--full-batch", "64", "--k-max", "12",
                "--application-id-suffix", "-b");
        SelectorConfig config = command.config();
        assertEquals(0.5, config.decay());
        assertEquals(64, config.fullBatch());
        assertEquals(12, config.kMax());
        assertEquals("-b", config.applicationIdSuffix());
    }

    @Test
    void aMetricsPortOutOfRangeIsRefusedNamingTheFlag() {
        String err = CommandRefusal.of("selector", "--metrics-port", "65536");

        assertTrue(err.contains("--metrics-port 65536 is not valid; allowed values: -1 (no endpoint)"), err);
    }

    @Test
    void aBadOptionValueFailsNamingTheFlag() {
        SelectorCommand command = new SelectorCommand();
        new CommandLine(command).parseArgs("--k-min", "0");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, command::config);
        assertTrue(error.getMessage().startsWith("--k-min must be at least 1"), error.getMessage());
    }
}
