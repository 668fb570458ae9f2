package io.specstream.verify.policy;

/** Where a request goes: decoded by a loaded version now, held until one loads, or refused with the reason. */
public sealed interface PolicyRoute {

    /** Decode with {@code version}, loaded now. */
    record Ready(long version) implements PolicyRoute {
    }

    /** Nothing to decode it with yet: {@code why} (the version is loading, or not published yet). */
    record Wait(String why) implements PolicyRoute {
    }

    /** It can never run here: {@code reason} names the version and the versions there are. */
    record Refused(String reason) implements PolicyRoute {
    }
}
