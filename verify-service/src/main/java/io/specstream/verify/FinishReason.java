package io.specstream.verify;

/** Why a sequence finished. Names match the Avro enum {@code io.specstream.schemas.avro.FinishReason} one to one. */
public enum FinishReason {
    /** The target produced one of the model's end-of-sequence ids (config.json {@code eos_token_id}). */
    EOS,
    /** The target produced one of the request's stop token ids. */
    STOP_TOKEN,
    /** The decoded response text came to contain one of the request's stop strings. */
    STOP_STRING,
    /** The response reached the request's max new tokens. */
    MAX_TOKENS,
    /** Prompt plus response filled the model's max_position_embeddings. */
    CONTEXT_FULL,
    /** The sequence could not be completed (set by the service wiring, never by the engine). */
    ERROR
}
