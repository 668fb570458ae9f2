package io.specstream.pipeline.cli;

import io.specstream.topology.cli.EnumFlag;
import io.specstream.verify.VerifyConfig.StepWidth;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --step-width}, of every command that runs a verifier ({@code run}, {@code verify}): how wide each verify step
 * is. {@code --step-width auto} is refused with "--step-width 'auto' is not valid; allowed values: goodput, widest".
 */
public final class StepWidthOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private StepWidth width;

    @Option(names = "--step-width", paramLabel = "goodput|widest", defaultValue = "goodput",
            description = "How wide each verify step is: goodput (the width with the most expected tokens per second "
                    + "on the verifier's measured step costs; 1, plain decoding, where drafts do not pay) or widest "
                    + "(every offered draft token verified, whatever the step costs) (default: ${DEFAULT-VALUE}).")
    void set(String value) {
        try {
            width = EnumFlag.parse("--step-width", value, StepWidth.values());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    public StepWidth width() {
        return width;
    }
}
