package io.specstream.bench.measure;


import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The verifier's side of a run, from its sequence-steps as the verify loop showed them ({@link StepLog}): e.g. two
 * sequences stepped together, one verifying 4 draft-small tokens (3 accepted), one without a draft, give two
 * sequence-steps, 1 of them drafted, draft-small 3 of 4 accepted.
 */
public final class AcceptanceLog {

    /** What the events say of one drafter: tokens proposed and accepted over the sequence-steps that verified it. */
    public record DrafterFigures(long proposed, long accepted, long steps) {
        /** Draft tokens accepted per verify step that used this drafter. */
        public double acceptedPerStep() {
            return steps == 0 ? 0 : (double) accepted / steps;
        }

        public double acceptanceRate() {
            return proposed == 0 ? 0 : (double) accepted / proposed;
        }
    }

    /** The label of sequence-steps without a draft in {@link #drafterShareOverTime}. */
    public static final String NO_DRAFT = "no draft";

    private final List<SequenceStep> events;
    private final long startMs;
    private final long endMs;

    /** The sequence-steps of a run that began at {@code startMs} and ended at {@code endMs} (epoch milliseconds). */
    public AcceptanceLog(List<SequenceStep> events, long startMs, long endMs) {
        this.events = List.copyOf(events);
        this.startMs = startMs;
        this.endMs = Math.max(endMs, startMs + 1);
    }

    public int sequenceSteps() {
        return events.size();
    }

    /** Share of sequence-steps that verified a draft (0 when there were none). */
    public double draftedShare() {
        return events.isEmpty() ? 0 : (double) events.stream().filter(AcceptanceLog::drafted).count() / events.size();
    }

    /**
     * Share of sequence-steps with a valid draft on hand, verified or not (0 when there were none): what decoupled
     * speculation can offer the controller at all, before it decides what is worth verifying.
     */
    public double onHandShare() {
        return events.isEmpty() ? 0
                : (double) events.stream().filter(SequenceStep::draftOnHand).count() / events.size();
    }

    /**
     * The per-token acceptance of the verified drafts, P(a draft token is accepted | the ones before it were):
     * accepted tokens over accepted tokens plus first rejections, whatever the drafts' lengths (empty without any
     * verified draft). For drafts of 4 that accepted 3, 2 (then rejected) and 4: 9 / (9 + 1) = 0.9.
     */
    public OptionalDouble perTokenAcceptance() {
        long accepted = 0;
        long rejections = 0;
        for (SequenceStep event : events) {
            if (drafted(event)) {
                accepted += event.accepted();
                rejections += event.accepted() < event.proposed() ? 1 : 0;
            }
        }
        return accepted + rejections == 0 ? OptionalDouble.empty()
                : OptionalDouble.of((double) accepted / (accepted + rejections));
    }

    /** Share of sequence-steps taken at each step width (tokens fed per sequence; 1 = plain decoding), by width. */
    public Map<Integer, Double> widthShares() {
        Map<Integer, Double> shares = new TreeMap<>();
        for (SequenceStep event : events) {
            shares.merge(event.width(), 1.0 / events.size(), Double::sum);
        }
        return shares;
    }

    /** Per drafter, in name order. */
    public Map<String, DrafterFigures> byDrafter() {
        Map<String, long[]> totals = new TreeMap<>();
        for (SequenceStep event : events) {
            if (drafted(event)) {
                long[] t = totals.computeIfAbsent(event.drafter(), d -> new long[3]);
                t[0] += event.proposed();
                t[1] += event.accepted();
                t[2]++;
            }
        }
        Map<String, DrafterFigures> figures = new LinkedHashMap<>();
        totals.forEach((name, t) -> figures.put(name, new DrafterFigures(t[0], t[1], t[2])));
        return figures;
    }

    /**
     * Draft tokens accepted per drafted sequence-step in each of {@code bins} equal slices of the run's wall time
     * (NaN for a slice without drafted steps): how acceptance moves as the rollout progresses into its tail.
     */
    public double[] acceptanceOverProgress(int bins) {
        double[] accepted = new double[bins];
        int[] steps = new int[bins];
        for (SequenceStep event : events) {
            if (drafted(event)) {
                int bin = bin(event, bins);
                accepted[bin] += event.accepted();
                steps[bin]++;
            }
        }
        double[] mean = new double[bins];
        for (int b = 0; b < bins; b++) {
            mean[b] = steps[b] == 0 ? Double.NaN : accepted[b] / steps[b];
        }
        return mean;
    }

    /** Per drafter (and {@link #NO_DRAFT}), its share of the sequence-steps in each of {@code bins} slices of the run. */
    public Map<String, double[]> drafterShareOverTime(int bins) {
        int[] all = new int[bins];
        Map<String, int[]> counts = new TreeMap<>();
        for (SequenceStep event : events) {
            int bin = bin(event, bins);
            all[bin]++;
            counts.computeIfAbsent(drafted(event) ? event.drafter() : NO_DRAFT, d -> new int[bins])[bin]++;
        }
        Map<String, double[]> shares = new LinkedHashMap<>();
        counts.forEach((name, c) -> {
            double[] share = new double[bins];
            for (int b = 0; b < bins; b++) {
                share[b] = all[b] == 0 ? 0 : (double) c[b] / all[b];
            }
            shares.put(name, share);
        });
        return shares;
    }

    private int bin(SequenceStep event, int bins) {
        double at = (double) (event.timestampMs() - startMs) / (endMs - startMs);
        return (int) Math.min(bins - 1, Math.max(0, Math.floor(at * bins)));
    }

    private static boolean drafted(SequenceStep event) {
        return event.drafter() != null && event.proposed() > 0;
    }
}
