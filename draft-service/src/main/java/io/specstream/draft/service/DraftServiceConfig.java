package io.specstream.draft.service;

import io.specstream.inference.runtime.InferenceOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Settings of draft-service, validated at start: the {@link ServiceEndpoints} keys (group default
 * {@code draft-service}) plus
 *
 * <pre>
 * draft.model-dir  = a model directory      (default models/draft-tiny)
 * draft.name       = non-blank              (default: the model directory's name)
 * draft.k          = 1, 2, ...              (default 8)  draft length; the run-ahead window is 2k
 * inference.*      = see InferenceOptions
 * </pre>
 */
public record DraftServiceConfig(ServiceEndpoints endpoints, Path modelDir, String drafterName, int k,
                                 InferenceOptions inference) {

    public static final String MODEL_DIR = "draft.model-dir";
    public static final String NAME = "draft.name";
    public static final String K = "draft.k";
    private static final List<String> KEYS = List.of(MODEL_DIR, NAME, K);

    public DraftServiceConfig {
        if (drafterName == null || drafterName.isBlank()) {
            throw new IllegalArgumentException(NAME + " is empty; allowed values: a non-blank drafter name");
        }
        if (k < 1) {
            throw new IllegalArgumentException(K + "=" + k + " is not valid; allowed values: an integer >= 1");
        }
    }

    public static DraftServiceConfig from(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (key.startsWith("draft.") && !KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + "; allowed keys: " + KEYS);
            }
        }
        Path modelDir = Path.of(settings.getOrDefault(MODEL_DIR, "models/draft-tiny").trim());
        String k = settings.getOrDefault(K, "8").trim();
        int draftLength;
        try {
            draftLength = Integer.parseInt(k);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(K + "='" + k + "' is not valid; allowed values: an integer >= 1");
        }
        return new DraftServiceConfig(
                ServiceEndpoints.from(settings, "draft-service", ServiceEndpoints.KEYS),
                modelDir,
                settings.getOrDefault(NAME, String.valueOf(modelDir.getFileName())),
                draftLength,
                InferenceOptions.from(settings));
    }
}
