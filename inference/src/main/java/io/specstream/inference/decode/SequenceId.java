package io.specstream.inference.decode;

/** Handle of one sequence inside a {@link BatchedDecoder}; unique for the decoder's lifetime. */
public record SequenceId(long value) {
    @Override
    public String toString() {
        return "seq#" + value;
    }
}
