package io.specstream.topology.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Flags every model-running subcommand ({@code run}, {@code verify}, {@code draft}) shares, checked as they are
 * parsed: {@code --k 0} is refused with "--k 0 is not valid; allowed values: an integer >= 1".
 */
public final class DecodingOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private int k;
    private int threads;

    @Option(names = "--k", paramLabel = "N", defaultValue = "4",
            description = "Draft length: most draft tokens verified per sequence and step; a drafter runs ahead "
                    + "up to 2k (default: ${DEFAULT-VALUE}).")
    void setK(int value) {
        k = atLeastOne("--k", value);
    }

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime intra-op threads of each service (default: ${DEFAULT-VALUE}).")
    void setThreads(int value) {
        threads = atLeastOne("--threads", value);
    }

    @Option(names = "--execution-provider", paramLabel = "cpu|cuda:N", defaultValue = "cpu",
            description = "Where ONNX Runtime runs the models: cpu, or cuda:N for GPU N (needs the gpu build, "
                    + "deploy/README.md; a GPU that is not there fails the start) (default: ${DEFAULT-VALUE}).")
    String executionProvider;

    /** The {@code --execution-provider} value as given; the model-running command parses it. */
    public String executionProvider() {
        return executionProvider;
    }

    public int k() {
        return k;
    }

    public int threads() {
        return threads;
    }

    private int atLeastOne(String flag, int value) {
        if (value < 1) {
            throw new ParameterException(mixee.commandLine(),
                    flag + " " + value + " is not valid; allowed values: an integer >= 1");
        }
        return value;
    }
}
