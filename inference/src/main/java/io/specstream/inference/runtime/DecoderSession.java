package io.specstream.inference.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.specstream.inference.model.CacheLayout;
import io.specstream.inference.model.InvalidModelException;
import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.model.ModelSignature;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session on a decoder-with-past model whose I/O was checked against {@link ModelSignature}.
 * Not thread-safe: one caller drives it (the decode loop of a service).
 */
public final class DecoderSession implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ModelDirectory model;
    private final ModelSignature signature;
    private final Set<String> presentNames;
    /** The {@code present.*} output names in cache-layout order, for {@link #runPinned}. */
    private final List<String> presentOrder;

    private DecoderSession(OrtEnvironment environment, OrtSession session, ModelDirectory model, ModelSignature signature) {
        this.environment = environment;
        this.session = session;
        this.model = model;
        this.signature = signature;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < signature.cacheLayout().tensorCount(); i++) {
            names.add(signature.cacheLayout().presentName(i));
        }
        this.presentNames = Set.copyOf(names);
        this.presentOrder = List.copyOf(names);
    }

    /**
     * Opens {@code model} with {@code options}; refuses a graph that lacks an expected input or output and a
     * provider that cannot run here.
     */
    public static DecoderSession open(ModelDirectory model, InferenceOptions options) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.provider().applyTo(sessionOptions, InferenceOptions.PROVIDER_KEY);
            session = environment.createSession(model.modelFile().toString(), sessionOptions);
        } catch (OrtException e) {
            throw new InvalidModelException("cannot load " + model.modelFile() + ": " + e.getMessage(), e);
        }
        try {
            ModelSignature signature = ModelSignature.validate(
                    session.getInputInfo(), session.getOutputInfo(), model.config(), model.modelFile().toString());
            return new DecoderSession(environment, session, model, signature);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new InvalidModelException("cannot read the I/O of " + model.modelFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs one forward pass. The logits go into {@code pinnedLogits} (a tensor over a reused direct buffer, so they
     * are never copied); the returned result owns the {@code present.*} tensors, which the caller may feed back as
     * the next {@code past_key_values.*} before closing it.
     */
    public OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs, OnnxTensor pinnedLogits) {
        try {
            return session.run(inputs, presentNames, Map.of(ModelSignature.LOGITS, pinnedLogits));
        } catch (OrtException e) {
            throw new IllegalStateException("forward pass of " + model.modelFile() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs one forward pass with every output pinned: the logits into {@code pinnedLogits}, {@code present.*} tensor
     * i into {@code pinnedPresent[i]} (cache-layout order), so that the next step's cache is host-readable where it
     * lies — a cache rebuild then copies rows between direct buffers instead of first copying every tensor out of
     * ONNX Runtime onto the Java heap. Throws {@link OrtException} where the graph's {@code present.*} shapes are not
     * the pinned ones (a cache that does not grow by the fed width), so that the caller can fall back to {@link #run}.
     */
    public void runPinned(Map<String, ? extends OnnxTensorLike> inputs, OnnxTensor pinnedLogits,
                          OnnxTensor[] pinnedPresent) throws OrtException {
        Map<String, OnnxTensor> pinned = new HashMap<>();
        pinned.put(ModelSignature.LOGITS, pinnedLogits);
        for (int i = 0; i < pinnedPresent.length; i++) {
            pinned.put(presentOrder.get(i), pinnedPresent[i]);
        }
        try (OrtSession.Result ignored = session.run(inputs, Set.of(), pinned)) {
            // every output is pinned: the result owns none of them
        }
    }

    public OrtEnvironment environment() {
        return environment;
    }

    public ModelConfig config() {
        return model.config();
    }

    public ModelDirectory model() {
        return model;
    }

    public CacheLayout cacheLayout() {
        return signature.cacheLayout();
    }

    public int vocabSize() {
        return signature.vocabSize();
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing a session only fails if it was already closed
        }
    }
}
