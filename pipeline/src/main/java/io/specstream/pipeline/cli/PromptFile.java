package io.specstream.pipeline.cli;

import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.json.JsonRecordCodec;
import io.specstream.topology.json.JsonRecordException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Prompts of a run, one RolloutRequest per JSONL line (Avro field names, absent fields take their defaults), e.g.
 * {@code {"request_id": "rl-math-0000", "prompt_text": "Q: Compute 7 + 69.\n", "n_samples": 4}}.
 */
public record PromptFile(List<RolloutRequest> requests) {

    public PromptFile {
        requests = List.copyOf(requests);
    }

    /** Reads {@code file}; {@code maxNewTokens}, when present, replaces every request's max_new_tokens. */
    public static PromptFile read(Path file, OptionalInt maxNewTokens) {
        JsonRecordCodec codec = new JsonRecordCodec();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("--prompts " + file + " cannot be read", e);
        }
        List<RolloutRequest> requests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            RolloutRequest request;
            try {
                request = codec.fromJson(lines.get(i), RolloutRequest.class);
            } catch (JsonRecordException e) {
                throw new IllegalArgumentException("--prompts " + file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
            maxNewTokens.ifPresent(request::setMaxNewTokens);
            requests.add(request);
        }
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("--prompts " + file + " holds no prompts");
        }
        return new PromptFile(requests);
    }

    /** Sequences the run waits for: the sum of n_samples. */
    public int sequences() {
        return requests.stream().mapToInt(RolloutRequest::getNSamples).sum();
    }
}
