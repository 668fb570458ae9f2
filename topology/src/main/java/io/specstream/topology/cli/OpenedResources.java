package io.specstream.topology.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a command opened (sessions, tokenizers, loops), closed in reverse order of opening so that a loop stops
 * before the model it uses is freed:
 * <pre>{@code
 * OpenedResources opened = new OpenedResources();
 * DecoderSession session = opened.keep(DecoderSession.open(dir, options));
 * Drafter drafter = opened.keep(ModelDrafter.withWindowFor("draft-small", session, 4));
 * opened.close();   // drafter, then session
 * }</pre>
 * Every resource is closed even when one fails; the first failure is thrown with the others suppressed.
 */
public final class OpenedResources implements AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    public <T extends AutoCloseable> T keep(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() {
        IllegalStateException failure = null;
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot close " + resource + ": " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
