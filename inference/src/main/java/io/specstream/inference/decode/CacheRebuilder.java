package io.specstream.inference.decode;

import ai.onnxruntime.OrtEnvironment;
import io.specstream.inference.model.CacheLayout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the live tokens of some sequences, wherever they are cached, into one dense block: row b holds
 * sequence b's tokens at columns 0..length-1. Used when sequences join (prefill blocks merge in, a group's prompt
 * row is copied to each of its n samples) and to squeeze out holes and dead rows.
 *
 * <p>Two pools alternate so a rebuild never writes the buffers it is reading.
 */
final class CacheRebuilder {

    private final OrtEnvironment environment;
    private final CacheLayout layout;
    private final DirectBufferPool[] pools = {new DirectBufferPool(), new DirectBufferPool()};
    private int nextPool;

    CacheRebuilder(OrtEnvironment environment, CacheLayout layout) {
        this.environment = environment;
        this.layout = layout;
    }

    CacheBlock rebuild(List<SequenceState> sequences) {
        int batch = sequences.size();
        int columns = sequences.stream().mapToInt(SequenceState::length).max().orElse(0);
        DirectBufferPool pool = pools[nextPool];
        nextPool ^= 1;
        FloatBuffer[] out = new FloatBuffer[layout.tensorCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pool.floats("cache." + i, (long) batch * layout.kvHeads() * columns * layout.headDim());
            copyTensor(i, sequences, out[i], columns);
        }
        return CacheBlock.overBuffers(environment, out, layout, batch, columns);
    }

    /**
     * One sequence copied into a block of its own, over buffers of its own (not the pools', which the next rebuilds
     * reuse): where an idle sequence waits outside the batch.
     */
    CacheBlock detach(SequenceState sequence) {
        int columns = sequence.length();
        FloatBuffer[] out = new FloatBuffer[layout.tensorCount()];
        for (int i = 0; i < out.length; i++) {
            long floats = (long) layout.kvHeads() * columns * layout.headDim();
            out[i] = ByteBuffer.allocateDirect((int) Math.max(floats * Float.BYTES, 64)).order(ByteOrder.nativeOrder())
                    .asFloatBuffer().limit((int) floats);
            copyTensor(i, List.of(sequence), out[i], columns);
        }
        return CacheBlock.overBuffers(environment, out, layout, 1, columns);
    }

    private void copyTensor(int tensor, List<SequenceState> sequences, FloatBuffer target, int columns) {
        int heads = layout.kvHeads();
        int dim = layout.headDim();
        Map<CacheBlock, FloatBuffer> hosts = new IdentityHashMap<>();
        for (int b = 0; b < sequences.size(); b++) {
            SequenceState sequence = sequences.get(b);
            FloatBuffer source = hosts.computeIfAbsent(sequence.block, block -> block.host(tensor));
            int sourceColumns = sequence.block.columns();
            SlotList slots = sequence.slots;
            for (int h = 0; h < heads; h++) {
                int sourceBase = (sequence.row * heads + h) * sourceColumns;
                int targetBase = (b * heads + h) * columns;
                int p = 0;
                while (p < slots.size()) {
                    // copy runs of consecutive columns in one call: usually the whole sequence is one run
                    int start = slots.get(p);
                    int run = 1;
                    while (p + run < slots.size() && slots.get(p + run) == start + run) {
                        run++;
                    }
                    target.put((targetBase + p) * dim, source, (sourceBase + start) * dim, run * dim);
                    p += run;
                }
            }
        }
    }
}
