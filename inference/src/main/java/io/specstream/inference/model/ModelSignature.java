package io.specstream.inference.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The decoder-with-past I/O contract, checked against what the session reports rather than assumed.
 *
 * <p>The layer count is taken from the graph (how many {@code past_key_values.N.key} inputs it has) and must
 * agree with {@code num_hidden_layers}; fixed dimensions (KV heads, head dim, vocab) must agree with config.json.
 */
public record ModelSignature(CacheLayout cacheLayout, int vocabSize) {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String POSITION_IDS = "position_ids";
    public static final String LOGITS = "logits";

    public static ModelSignature validate(
            Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, ModelConfig config, String model) {
        CacheLayout layout = new CacheLayout(config.numHiddenLayers(), config.numKeyValueHeads(), config.headDim());
        List<String> problems = new ArrayList<>();
        List<String> missingInputs = new ArrayList<>();
        List<String> missingOutputs = new ArrayList<>();
        for (String name : List.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS)) {
            expect(inputs, name, OnnxJavaType.INT64, 2, missingInputs, problems);
        }
        expect(outputs, LOGITS, OnnxJavaType.FLOAT, 3, missingOutputs, problems);
        for (int i = 0; i < layout.tensorCount(); i++) {
            expect(inputs, layout.pastName(i), OnnxJavaType.FLOAT, 4, missingInputs, problems);
            expect(outputs, layout.presentName(i), OnnxJavaType.FLOAT, 4, missingOutputs, problems);
        }
        long graphLayers = inputs.keySet().stream().filter(n -> n.matches("past_key_values\\.\\d+\\.key")).count();
        if (graphLayers != config.numHiddenLayers()) {
            problems.add("graph has " + graphLayers + " past_key_values.N.key inputs but config.json says num_hidden_layers="
                    + config.numHiddenLayers());
        }
        if (!missingInputs.isEmpty()) {
            problems.add(0, "missing input(s) " + missingInputs + " (graph inputs: " + new TreeSet<>(inputs.keySet()) + ")");
        }
        if (!missingOutputs.isEmpty()) {
            problems.add(0, "missing output(s) " + missingOutputs + " (graph outputs: " + new TreeSet<>(outputs.keySet()) + ")");
        }
        if (problems.isEmpty()) {
            checkFixedDims(inputs, outputs, layout, config, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidModelException("model " + model + " is not a decoder-with-past ONNX model: "
                    + String.join("; ", problems));
        }
        return new ModelSignature(layout, config.vocabSize());
    }

    private static void expect(Map<String, NodeInfo> infos, String name, OnnxJavaType type, int rank,
                               List<String> missing, List<String> problems) {
        NodeInfo info = infos.get(name);
        if (info == null) {
            missing.add(name);
            return;
        }
        if (!(info.getInfo() instanceof TensorInfo tensor)) {
            problems.add(name + " is not a tensor");
            return;
        }
        if (tensor.type != type) {
            problems.add(name + " has element type " + tensor.type + ", expected " + type);
        }
        if (tensor.getShape().length != rank) {
            problems.add(name + " has rank " + tensor.getShape().length + ", expected " + rank);
        }
    }

    private static void checkFixedDims(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs,
                                       CacheLayout layout, ModelConfig config, List<String> problems) {
        long[] logits = ((TensorInfo) outputs.get(LOGITS).getInfo()).getShape();
        if (logits[2] > 0 && logits[2] != config.vocabSize()) {
            problems.add("logits vocab dimension is " + logits[2] + " but config.json says vocab_size=" + config.vocabSize());
        }
        long[] past = ((TensorInfo) inputs.get(layout.pastName(0)).getInfo()).getShape();
        if (past[1] > 0 && past[1] != layout.kvHeads()) {
            problems.add(layout.pastName(0) + " has " + past[1] + " heads but config.json says num_key_value_heads="
                    + layout.kvHeads());
        }
        if (past[3] > 0 && past[3] != layout.headDim()) {
            problems.add(layout.pastName(0) + " has head size " + past[3] + " but config.json says head_dim=" + layout.headDim());
        }
    }
}
