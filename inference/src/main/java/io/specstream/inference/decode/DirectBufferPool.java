package io.specstream.inference.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Named direct buffers that grow (by half again) and are reused, so a steady decode loop allocates nothing.
 * A buffer handed out under a name is valid until the next request for that name.
 */
final class DirectBufferPool {

    private final Map<String, ByteBuffer> buffers = new HashMap<>();

    LongBuffer longs(String name, int count) {
        return bytes(name, (long) count * Long.BYTES).asLongBuffer();
    }

    FloatBuffer floats(String name, long count) {
        return bytes(name, count * Float.BYTES).asFloatBuffer();
    }

    private ByteBuffer bytes(String name, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException("buffer '" + name + "' of " + size + " bytes exceeds 2 GiB");
        }
        ByteBuffer buffer = buffers.get(name);
        if (buffer == null || buffer.capacity() < size) {
            long grown = Math.min(Integer.MAX_VALUE, Math.max(size, size + size / 2));
            buffer = ByteBuffer.allocateDirect((int) Math.max(grown, 64));
            buffers.put(name, buffer);
        }
        // slice() resets the byte order to big-endian; ONNX Runtime reads native order.
        return buffer.slice(0, (int) size).order(ByteOrder.nativeOrder());
    }
}
