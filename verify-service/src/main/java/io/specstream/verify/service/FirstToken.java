package io.specstream.verify.service;

/**
 * When a sequence got its first token: the step that admitted it began at {@code stepStartMs} (it was queued until
 * then) and returned the token at {@code committedAtMs}. Wall-clock milliseconds.
 */
record FirstToken(long stepStartMs, long committedAtMs) {
}
