package io.specstream.inference.decode;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.specstream.inference.model.CacheLayout;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A complete set of cache tensors, each [batch, kvHeads, columns, headDim], and whatever must be closed with them:
 * either the {@code present.*} outputs of a run (fed back unchanged as the next {@code past_key_values.*}) or
 * tensors over direct buffers written by a rebuild.
 */
final class CacheBlock implements AutoCloseable {

    private final OnnxTensor[] tensors;
    private final FloatBuffer[] buffers; // the direct buffers under the tensors, or null for run outputs
    private final int batch;
    private final int columns;
    private final AutoCloseable owner;

    private CacheBlock(OnnxTensor[] tensors, FloatBuffer[] buffers, int batch, int columns, AutoCloseable owner) {
        this.tensors = tensors;
        this.buffers = buffers;
        this.batch = batch;
        this.columns = columns;
        this.owner = owner;
    }

    static CacheBlock fromPresent(OrtSession.Result result, CacheLayout layout, int batch, int columns) {
        OnnxTensor[] tensors = new OnnxTensor[layout.tensorCount()];
        for (int i = 0; i < tensors.length; i++) {
            OnnxValue value = result.get(layout.presentName(i))
                    .orElseThrow(() -> new IllegalStateException("run returned no present tensors"));
            tensors[i] = (OnnxTensor) value;
        }
        return new CacheBlock(tensors, null, batch, columns, result);
    }

    static CacheBlock overBuffers(OrtEnvironment env, FloatBuffer[] buffers, CacheLayout layout, int batch, int columns) {
        long[] shape = {batch, layout.kvHeads(), columns, layout.headDim()};
        OnnxTensor[] tensors = new OnnxTensor[buffers.length];
        try {
            for (int i = 0; i < buffers.length; i++) {
                tensors[i] = OnnxTensor.createTensor(env, buffers[i], shape);
            }
        } catch (OrtException e) {
            closeAll(tensors);
            throw new IllegalStateException("cannot wrap the rebuilt cache: " + e.getMessage(), e);
        }
        return new CacheBlock(tensors, buffers.clone(), batch, columns, () -> closeAll(tensors));
    }

    static CacheBlock empty(OrtEnvironment env, CacheLayout layout, int batch) {
        FloatBuffer[] none = new FloatBuffer[layout.tensorCount()];
        for (int i = 0; i < none.length; i++) {
            none[i] = java.nio.ByteBuffer.allocateDirect(0).asFloatBuffer();
        }
        return overBuffers(env, none, layout, batch, 0);
    }

    /** The tensors, in cache-layout order: to pin a run's {@code present.*} outputs into this block's buffers. */
    OnnxTensor[] tensors() {
        return tensors.clone();
    }

    void addTo(Map<String, OnnxTensorLike> inputs, CacheLayout layout) {
        for (int i = 0; i < tensors.length; i++) {
            inputs.put(layout.pastName(i), tensors[i]);
        }
    }

    /** Host-readable contents of tensor {@code i}: the backing buffer itself when there is one, else a copy. */
    FloatBuffer host(int i) {
        // OnnxTensor.getBufferRef() throws on run outputs (ORT 1.29), so remember our own buffers instead.
        return buffers != null ? buffers[i] : tensors[i].getFloatBuffer();
    }

    int batch() {
        return batch;
    }

    int columns() {
        return columns;
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release cache tensors", e);
        }
    }

    private static void closeAll(OnnxTensor[] tensors) {
        for (OnnxTensor tensor : tensors) {
            if (tensor != null) {
                tensor.close();
            }
        }
    }
}
