package io.specstream.draft.cli;

import io.specstream.draft.ModelDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.topology.cli.ConnectionOptions;
import io.specstream.topology.cli.DecodingOptions;
import io.specstream.topology.cli.ModelDirOption;
import io.specstream.topology.cli.OpenedResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code specstream draft}: one draft-service instance (a draft model, run-ahead over topics) against any cluster,
 * until Ctrl-C:
 * <pre>
 * specstream draft --bootstrap-servers broker:9092 --draft-model-dir models/draft-small --k 4
 * </pre>
 */
@Command(name = "draft", mixinStandardHelpOptions = true,
        description = "Run draft-service (a draft model drafting ahead of the verifier) until Ctrl-C.")
public final class DraftCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DecodingOptions decoding;

    @Option(names = "--draft-model-dir", paramLabel = "DIR", defaultValue = "models/draft-small",
            description = "Draft model directory (default: ${DEFAULT-VALUE}).")
    Path draftModelDir;

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "models/target",
            description = "Target model directory; its tokenizer encodes prompts as the verifier does "
                    + "(default: ${DEFAULT-VALUE}).")
    Path modelDir;

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = "draft-service",
            description = "Consumer group of the draft instances (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelDirOption.require(spec, "--draft-model-dir", draftModelDir);
        ModelDirOption.require(spec, "--model-dir", modelDir);
        ModelDirectory target = ModelDirectory.open(modelDir);
        OpenedResources opened = new OpenedResources();
        try {
            DecoderSession session = opened.keep(DecoderSession.open(ModelDirectory.open(draftModelDir),
                    InferenceOptions.cpu(decoding.threads())));
            TextTokenizer tokenizer = opened.keep(TextTokenizer.open(target.tokenizerFile()));
            ModelDrafter drafter = opened.keep(ModelDrafter.withWindowFor(String.valueOf(draftModelDir.getFileName()),
                    session, decoding.k()));
            DraftLoop loop = new DraftLoop(drafter, new PromptEncoder(tokenizer, target.config()),
                    connection.settings(), connection.catalogue(), groupId);
            UntilStopped.run(loop, spec.commandLine().getOut(), "draft-service", opened::close);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return 0;
    }
}
