package io.specstream.verify;

import java.util.HashMap;
import java.util.Map;

/**
 * How likely each draft position is to be accepted, per drafter and per request: the second input of the
 * {@link GoodputController}. Position {@code i} (1-based) holds the conditional rate P(token i accepted | tokens
 * 1 .. i-1 accepted); a request's own judgments are shrunk towards its drafter's, and a position nobody has judged yet
 * borrows the rate of the one before it (position 1 opens at {@link #OPENING_RATE} unless told otherwise: the
 * controller must try a draft before it can know one).
 *
 * <p>Every judgment counts, verified or not: a verified draft accepted {@code a} of {@code p} tokens → positions
 * 1..a accepted and, if {@code a < p}, position a+1 rejected; an alternative that was not verified is judged against
 * what the step committed (its positions past the committed tokens stay unjudged). Older judgments fade
 * (per request by {@value #REQUEST_DECAY} per judgment, per drafter by {@value #DRAFTER_DECAY}), so a rate follows a
 * sequence that turns from boilerplate to free text.
 *
 * <p>Example: draft-small's position 1 held in 80 % of its (faded) judgments → drafter rate 0.80; request r's three
 * judgments of it, all rejected, weigh 1 + 0.9 + 0.81 = 2.71 → r's rate (0 + 4 × 0.80) / (2.71 + 4) = 0.48, and
 * r's expected acceptance of a 2-token draft 0.48 + 0.48 × a_2.
 */
public final class AcceptanceEstimates {

    /** Rate of a position nobody judged yet, before position 1 of any drafter: optimistic enough to be tried. */
    static final double OPENING_RATE = 0.5;
    /** Weight, in judgments, of the drafter's rate in a request's estimate (and of the earlier position's in a drafter's). */
    private static final double PRIOR_WEIGHT = 4;
    private static final double REQUEST_DECAY = 0.9;
    private static final double DRAFTER_DECAY = 0.995;

    private final int positions;
    private final double openingRate;
    private final Map<String, Rates> byDrafter = new HashMap<>();
    private final Map<String, Map<String, Rates>> byRequest = new HashMap<>();

    /** Estimates for draft positions 1 .. {@code positions}, opening at {@link #OPENING_RATE}. */
    public AcceptanceEstimates(int positions) {
        this(positions, OPENING_RATE);
    }

    /**
     * Estimates opening at {@code openingRate} per position: before any judgment a j-token draft is expected to
     * have openingRate + openingRate² + ... + openingRate^j of its tokens accepted.
     */
    public AcceptanceEstimates(int positions, double openingRate) {
        if (openingRate < 0 || openingRate > 1) {
            throw new IllegalArgumentException("an opening acceptance rate must lie in [0, 1], got " + openingRate);
        }
        this.positions = Math.max(1, positions);
        this.openingRate = openingRate;
    }

    /** A draft of {@code drafter} for {@code requestId} was judged: its first {@code agreed} of {@code judged} tokens held. */
    public void judged(String requestId, String drafter, int judged, int agreed) {
        int upTo = Math.min(positions, Math.min(judged, agreed + 1));
        Rates drafterRates = byDrafter.computeIfAbsent(drafter, d -> new Rates(positions));
        Rates requestRates = byRequest.computeIfAbsent(requestId, r -> new HashMap<>())
                .computeIfAbsent(drafter, d -> new Rates(positions));
        for (int i = 0; i < upTo; i++) {
            boolean accepted = i < agreed;
            drafterRates.add(i, accepted, DRAFTER_DECAY);
            requestRates.add(i, accepted, REQUEST_DECAY);
        }
    }

    /**
     * Expected accepted tokens of a {@code length}-token draft of {@code drafter} for {@code requestId}: element j is
     * the expectation for a draft of j tokens, j = 0 .. length (a_1 + a_1 a_2 + ...).
     */
    public double[] expectedAccepted(String requestId, String drafter, int length) {
        double[] expected = new double[length + 1];
        Rates drafterRates = byDrafter.get(drafter);
        Rates requestRates = byRequest.getOrDefault(requestId, Map.of()).get(drafter);
        double drafterPrior = openingRate;
        double survive = 1;
        for (int j = 1; j <= length; j++) {
            int i = Math.min(j, positions) - 1;
            double drafterRate = drafterRates == null ? drafterPrior : drafterRates.rate(i, drafterPrior);
            double rate = requestRates == null ? drafterRate : requestRates.rate(i, drafterRate);
            survive *= rate;
            expected[j] = expected[j - 1] + survive;
            drafterPrior = drafterRate;
        }
        return expected;
    }

    /** The request finished or left: its own judgments go, its drafters' stay. */
    public void forget(String requestId) {
        byRequest.remove(requestId);
    }

    /** Decayed counts of judgments and acceptances per position. */
    private static final class Rates {
        private final double[] judged;
        private final double[] accepted;

        Rates(int positions) {
            judged = new double[positions];
            accepted = new double[positions];
        }

        void add(int position, boolean wasAccepted, double decay) {
            judged[position] = judged[position] * decay + 1;
            accepted[position] = accepted[position] * decay + (wasAccepted ? 1 : 0);
        }

        double rate(int position, double prior) {
            return (accepted[position] + PRIOR_WEIGHT * prior) / (judged[position] + PRIOR_WEIGHT);
        }
    }
}
