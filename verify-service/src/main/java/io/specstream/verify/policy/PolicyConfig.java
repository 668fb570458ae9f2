package io.specstream.verify.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a verifier keeps policy versions, validated at start.
 *
 * <pre>
 * verify.live-policies  = 1, 2, ...   (default 2)       the newest versions a request may name; older ones retire
 *                                                       once their running requests finish
 * verify.policy-wait-ms = 0, 1, ...   (default 600000)  how long a request naming a version not loaded yet waits
 *                                                       before it becomes a dead letter
 * </pre>
 * Two live versions let the long tail of training step N's rollouts finish while step N + 1's start.
 */
public record PolicyConfig(int livePolicies, Duration policyWait) {

    public static final String LIVE_POLICIES = "verify.live-policies";
    public static final String POLICY_WAIT_MS = "verify.policy-wait-ms";
    public static final List<String> KEYS = List.of(LIVE_POLICIES, POLICY_WAIT_MS);

    public PolicyConfig {
        if (livePolicies < 1) {
            throw new IllegalArgumentException(LIVE_POLICIES + "=" + livePolicies
                    + " is not valid; allowed values: an integer >= 1");
        }
        if (policyWait == null || policyWait.isNegative()) {
            throw new IllegalArgumentException(POLICY_WAIT_MS + "=" + (policyWait == null ? "" : policyWait.toMillis())
                    + " is not valid; allowed values: an integer >= 0 (milliseconds)");
        }
    }

    public static PolicyConfig defaults() {
        return new PolicyConfig(2, Duration.ofMinutes(10));
    }

    /** Reads the keys above; absent keys take their defaults. */
    public static PolicyConfig from(Map<String, String> settings) {
        PolicyConfig defaults = defaults();
        return new PolicyConfig(
                (int) number(settings, LIVE_POLICIES, defaults.livePolicies()),
                Duration.ofMillis(number(settings, POLICY_WAIT_MS, defaults.policyWait().toMillis())));
    }

    private static long number(Map<String, String> settings, String key, long fallback) {
        String value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not valid; allowed values: an integer");
        }
    }
}
