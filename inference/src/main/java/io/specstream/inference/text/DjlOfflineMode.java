package io.specstream.inference.text;

/**
 * DJL reads these before its classes first load: {@code ai.djl.offline} stops any download (the tokenizer's
 * native library comes from the jar), {@code OPT_OUT_TRACKING} turns off its usage telemetry. A value the user set
 * (system property) is left alone.
 */
final class DjlOfflineMode {

    static final String OFFLINE = "ai.djl.offline";
    static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    private DjlOfflineMode() {
    }

    static void apply() {
        setIfAbsent(OFFLINE, "true");
        setIfAbsent(OPT_OUT_TRACKING, "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
