package io.specstream.verify.cli;

import io.specstream.draft.cli.UntilStopped;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.topology.cli.ConnectionOptions;
import io.specstream.topology.cli.DecodingOptions;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.VerifyLoop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code specstream verify}: one verify-service instance against any cluster, until Ctrl-C:
 * <pre>
 * specstream verify --bootstrap-servers broker:9092 --schema-registry-url http://registry:8081 --k 4
 * </pre>
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Run verify-service (target model, verification, rollouts) until Ctrl-C.")
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DecodingOptions decoding;

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "models/target",
            description = "Target model directory (default: ${DEFAULT-VALUE}).")
    Path modelDir;

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = "verify-service",
            description = "Consumer group of the verify instances (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--transactional-id", paramLabel = "ID", defaultValue = "verify-service-0",
            description = "Transactional id, unique per verify instance (default: ${DEFAULT-VALUE}).")
    String transactionalId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(modelDir)) {
            throw new ParameterException(spec.commandLine(), "--model-dir " + modelDir + " is not a model directory");
        }
        ModelDirectory model = ModelDirectory.open(modelDir);
        VerifyEngine engine = VerifyEngine.open(new VerifyConfig(64, 512, decoding.k(), modelDir, InferenceOptions.cpu(decoding.threads())));
        TextTokenizer tokenizer;
        try {
            tokenizer = TextTokenizer.open(model.tokenizerFile());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        VerifyLoop loop = new VerifyLoop(engine, new PromptEncoder(tokenizer, model.config()), connection.settings(),
                connection.catalogue(), groupId, transactionalId);
        UntilStopped.run(loop, spec.commandLine().getOut(), "verify-service", () -> {
            tokenizer.close();
            engine.close();
        });
        return 0;
    }
}
