package io.specstream.selector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every knob of the selector, each with a default that runs ({@link #defaults()}). Invalid values fail at start with
 * a message naming the key (the command-line flag) and what is allowed.
 *
 * @param decay               weight the past keeps per new observation, in (0, 1]: 0.9 weighs the last ~10 steps
 * @param minObservations     steps of evidence the primary needs before any assignment is emitted, at least 1
 * @param switchMargin        a challenger replaces the primary only when its accepted-per-step exceeds the primary's
 *                            by this fraction (0.2 = 20 % better), at least 0
 * @param idleBatch           verify batch size at or below which the verifier counts as idle (load 0), at least 1
 * @param fullBatch           verify batch size at or above which it counts as full (load 1), above idleBatch
 * @param draftIdle           mean heartbeat busy fraction at or below which drafting counts as idle, in [0, 1)
 * @param draftBusy           mean heartbeat busy fraction at or above which drafting counts as saturated, in
 *                            (draftIdle, 1]
 * @param kMin                draft length at a full batch, at least 1
 * @param kBase               draft length at an idle batch when acceptance is not high, in [kMin, kMax]
 * @param kMax                draft length at an idle batch when acceptance is high
 * @param highAcceptance      primary's accepted/proposed at or above which acceptance counts as high, in (0, 1]
 * @param heartbeatStaleness  heartbeats older than this (against the acceptance event's time) are ignored, positive
 * @param applicationIdSuffix appended to the Kafka Streams application id (to run independent selectors side by
 *                            side), letters, digits, '.', '_' and '-' only
 * @param commitInterval      Kafka Streams commit interval, positive
 * @param stateDir            Kafka Streams state directory; empty = a fresh temporary directory per start (the
 *                            stores are restored from their changelogs)
 * @param startTimeout        how long {@link SelectorService#start()} waits for RUNNING, positive
 */
public record SelectorConfig(
        double decay,
        int minObservations,
        double switchMargin,
        int idleBatch,
        int fullBatch,
        double draftIdle,
        double draftBusy,
        int kMin,
        int kBase,
        int kMax,
        double highAcceptance,
        Duration heartbeatStaleness,
        String applicationIdSuffix,
        Duration commitInterval,
        Optional<Path> stateDir,
        Duration startTimeout) {

    public static final double DEFAULT_DECAY = 0.9;
    public static final int DEFAULT_MIN_OBSERVATIONS = 2;
    public static final double DEFAULT_SWITCH_MARGIN = 0.2;
    public static final int DEFAULT_IDLE_BATCH = 4;
    public static final int DEFAULT_FULL_BATCH = 32;
    public static final double DEFAULT_DRAFT_IDLE = 0.3;
    public static final double DEFAULT_DRAFT_BUSY = 0.8;
    /**
     * k does not drop below the base length at a full batch: on the 2-core pinned pipeline (tools/bench/
     * pinned-pipeline.sh fastest 64) a floor of 2 gave 974 / 1,072 tokens/s, a floor of 1 836 / 946, a floor of 4
     * 1,145 / 1,134 / 1,053 / 1,000 — the fewer tokens accepted per step cost about what the narrower steps saved.
     * Long drafts (up to kMax) stay for small batches with high acceptance.
     */
    public static final int DEFAULT_K_MIN = 4;
    public static final int DEFAULT_K_BASE = 4;
    public static final int DEFAULT_K_MAX = 8;
    public static final double DEFAULT_HIGH_ACCEPTANCE = 0.7;
    public static final long DEFAULT_HEARTBEAT_STALENESS_MS = 10_000;
    public static final String DEFAULT_APPLICATION_ID_SUFFIX = "";
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;
    public static final long DEFAULT_START_TIMEOUT_MS = 120_000;

    public SelectorConfig {
        Objects.requireNonNull(heartbeatStaleness, "--heartbeat-staleness-ms must be given");
        Objects.requireNonNull(commitInterval, "--commit-interval-ms must be given");
        Objects.requireNonNull(stateDir, "--state-dir must be given (Optional.empty() for a temporary directory)");
        Objects.requireNonNull(startTimeout, "--start-timeout-ms must be given");
        require(decay > 0 && decay <= 1, "--decay must be in (0, 1], was " + decay);
        require(minObservations >= 1, "--min-observations must be at least 1, was " + minObservations);
        require(switchMargin >= 0 && Double.isFinite(switchMargin),
                "--switch-margin must be a finite number >= 0, was " + switchMargin);
        require(idleBatch >= 1, "--idle-batch must be at least 1, was " + idleBatch);
        require(fullBatch > idleBatch, "--full-batch must be greater than --idle-batch (" + idleBatch + "), was "
                + fullBatch);
        require(draftIdle >= 0 && draftIdle < 1, "--draft-idle must be in [0, 1), was " + draftIdle);
        require(draftBusy > draftIdle && draftBusy <= 1,
                "--draft-busy must be in (--draft-idle (" + draftIdle + "), 1], was " + draftBusy);
        require(kMin >= 1, "--k-min must be at least 1, was " + kMin);
        require(kBase >= kMin, "--k-base must be at least --k-min (" + kMin + "), was " + kBase);
        require(kMax >= kBase, "--k-max must be at least --k-base (" + kBase + "), was " + kMax);
        require(highAcceptance > 0 && highAcceptance <= 1,
                "--high-acceptance must be in (0, 1], was " + highAcceptance);
        require(heartbeatStaleness.toMillis() > 0,
                "--heartbeat-staleness-ms must be positive, was " + heartbeatStaleness.toMillis());
        require(applicationIdSuffix != null && applicationIdSuffix.matches("[a-zA-Z0-9._-]*"),
                "--application-id-suffix '" + applicationIdSuffix + "' is not allowed: use letters, digits, '.', '_'"
                        + " and '-' only");
        require(commitInterval.toMillis() > 0,
                "--commit-interval-ms must be positive, was " + commitInterval.toMillis());
        require(startTimeout.toMillis() > 0, "--start-timeout-ms must be positive, was " + startTimeout.toMillis());
    }

    public static SelectorConfig defaults() {
        return new SelectorConfig(DEFAULT_DECAY, DEFAULT_MIN_OBSERVATIONS, DEFAULT_SWITCH_MARGIN, DEFAULT_IDLE_BATCH,
                DEFAULT_FULL_BATCH, DEFAULT_DRAFT_IDLE, DEFAULT_DRAFT_BUSY, DEFAULT_K_MIN, DEFAULT_K_BASE,
                DEFAULT_K_MAX, DEFAULT_HIGH_ACCEPTANCE, Duration.ofMillis(DEFAULT_HEARTBEAT_STALENESS_MS),
                DEFAULT_APPLICATION_ID_SUFFIX, Duration.ofMillis(DEFAULT_COMMIT_INTERVAL_MS), Optional.empty(),
                Duration.ofMillis(DEFAULT_START_TIMEOUT_MS));
    }

    public SelectorConfig withDecay(double value) {
        return new SelectorConfig(value, minObservations, switchMargin, idleBatch, fullBatch, draftIdle, draftBusy,
                kMin, kBase, kMax, highAcceptance, heartbeatStaleness, applicationIdSuffix, commitInterval, stateDir,
                startTimeout);
    }

    public SelectorConfig withMinObservations(int value) {
        return new SelectorConfig(decay, value, switchMargin, idleBatch, fullBatch, draftIdle, draftBusy,
                kMin, kBase, kMax, highAcceptance, heartbeatStaleness, applicationIdSuffix, commitInterval, stateDir,
                startTimeout);
    }

    /** This config with draft lengths {@code kMin <= kBase <= kMax}. */
    public SelectorConfig withK(int min, int base, int max) {
        return new SelectorConfig(decay, minObservations, switchMargin, idleBatch, fullBatch, draftIdle, draftBusy,
                min, base, max, highAcceptance, heartbeatStaleness, applicationIdSuffix, commitInterval, stateDir,
                startTimeout);
    }

    public SelectorConfig withApplicationIdSuffix(String value) {
        return new SelectorConfig(decay, minObservations, switchMargin, idleBatch, fullBatch, draftIdle, draftBusy,
                kMin, kBase, kMax, highAcceptance, heartbeatStaleness, value, commitInterval, stateDir,
                startTimeout);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
