package io.specstream.bench.measure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.verify.service.VerifyMetrics;

import java.util.Map;
import java.util.TreeMap;

/**
 * Draft tokens verified and accepted per policy version in one cell, from the verifier's meters: how acceptance moves
 * when new weights arrive (the drafters were made for, and the history gathered under, the old ones).
 *
 * @param byVersion per version, in version order
 */
public record PolicyAcceptance(Map<Long, Figures> byVersion) {

    /** One version's draft tokens verified and accepted, and tokens committed. */
    public record Figures(double proposed, double accepted, double tokens) {
        public double acceptanceRate() {
            return proposed == 0 ? 0 : accepted / proposed;
        }
    }

    public PolicyAcceptance {
        byVersion = Map.copyOf(new TreeMap<>(byVersion));
    }

    public static PolicyAcceptance none() {
        return new PolicyAcceptance(Map.of());
    }

    /** What {@code meters} (a verify loop's) counted per policy version. */
    public static PolicyAcceptance of(MeterRegistry meters) {
        Map<Long, Figures> figures = new TreeMap<>();
        for (Counter tokens : meters.find(VerifyMetrics.POLICY_TOKENS).counters()) {
            String tag = tokens.getId().getTag(VerifyMetrics.POLICY_TAG);
            figures.put(Long.parseLong(tag), new Figures(count(meters, VerifyMetrics.POLICY_DRAFT_PROPOSED, tag),
                    count(meters, VerifyMetrics.POLICY_DRAFT_ACCEPTED, tag), tokens.count()));
        }
        return new PolicyAcceptance(figures);
    }

    private static double count(MeterRegistry meters, String name, String tag) {
        Counter counter = meters.find(name).tag(VerifyMetrics.POLICY_TAG, tag).counter();
        return counter == null ? 0 : counter.count();
    }
}
