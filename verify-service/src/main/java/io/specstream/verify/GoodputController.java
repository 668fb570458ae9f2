package io.specstream.verify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;
import java.util.function.Supplier;

/**
 * Chooses each verify step's width — tokens fed per sequence, 1 = plain decoding — to maximise expected committed
 * tokens per second of forward time:
 *
 * <pre>
 *   score(w) = Σ_rows (1 + E_row[min(draft_row, w − 1)]) / c(B, w)
 * </pre>
 * where {@code c} is the verifier's own {@link StepCostTable} at the step's batch size B and {@code E_row[j]} the
 * {@link AcceptanceEstimates} expectation of accepted tokens for the row's first j draft tokens. Every row of a step
 * pays the widest row's width (the batch is one padded tensor), so one long draft must earn its cost for all rows.
 * Acceptance alone cannot decide: it stays flat across batch sizes while the cost of width flips the answer.
 *
 * <p>Worked example (this machine's shape of costs), every row drafted with per-token acceptance 0.8:
 * <pre>
 *   B = 8:  c(8,1..5) = 1, 1.3, 1.54, 1.8, 1.97 (× plain)   E[j] = 0.8, 1.44, 1.95, 2.36
 *           score(1) = 8 × 1 / 1 = 8.0;  score(3) = 8 × 2.44 / 1.54 = 12.7;  score(5) = 8 × 3.36 / 1.97 = 13.6  → w = 5
 *   B = 64: c(64,1..5) = 1, 1.62, 2.04, 2.6, 3.05
 *           score(1) = 64;  score(2) = 64 × 1.8 / 1.62 = 71.1;  score(3) = 64 × 2.44 / 2.04 = 76.5;
 *           score(5) = 64 × 3.36 / 3.05 = 70.5                                                          → w = 3
 *   B = 64 at acceptance 0.34: score(2) = 64 × 1.34 / 1.62 = 52.9 &lt; 64                                   → w = 1
 *   B = 8 at acceptance 0.45: score(2) = 8 × 1.45 / 1.3 = 8.92 ≥ 1.1 × score(1) = 8.8                      → w = 2
 *   B = 8 at acceptance 0.4:  score(2) = 8 × 1.4 / 1.3 = 8.62 &lt; 8.8                                           → w = 1
 * </pre>
 * The same code thus keeps drafts long where wide steps are nearly free (a GPU, one sequence) and turns speculation
 * off where they are not — vLLM's dynamic speculative decoding (k maximising (1 + Σ a_i) / ITL(bs, k) from a
 * profiled table) and SGLang's E[tokens] / cost(bs, S) controller decide alike.
 *
 * <p>A wide step must promise {@value #MARGIN} times plain's score, not just more (the last two lines above): its
 * estimates are noisy (an acceptance learnt from a few judgments, a cost table refined from noisy steps), the best of
 * several noisy scores is biased upwards, and a wide step costs work the table does not hold (more logits judged and
 * copied). Without the margin the bench's fastest at T = 1 and 8 sequences (per-token acceptance 0.55, a limit of
 * 1.15×) took wide steps on 40 % of its steps and ran at 0.69× plain in one run.
 *
 * <p>Drafting inside the verifier is not free: {@link #plannedDraftTokens} adds its measured cost per drafter step to
 * the same score when deciding how much to draft before a step, counts only the share of sequences the drafter finds
 * a draft for at all (a suffix index matches some sequences, not all), and probes a drafter while the answer is 0,
 * or neither its acceptance nor its cost could ever be learnt again: one token on two consecutive steps (the first
 * round catches the drafter up on everything committed during the pause, a draft model's re-prefill included; only
 * the second measures what a drafter step costs when drafting every step), {@value #PROBE_EVERY} steps apart at
 * least, further for a drafter whose probes, resume included ({@link DrafterCost}), would take more than 2 % of the
 * verifier's time (a draft model at one sequence). Without the second round a drafter once measured dear (a slow
 * round: the JIT, a GC, a re-prefill) was never measured again and stayed switched off: coupled's draft model at one
 * sequence kept a cost of 1.27 ms a step, three times its own, for a whole bench cell.
 *
 * <p>A dear drafter leaves a wake ({@link DrafterWakes}): the target's plain steps right after a draft model's rounds
 * on the verifier's core run slow. Those steps measure the drafter, not plain decoding: {@link #stepped} leaves them
 * out of the cost table, and what they cost is charged to the drafter, like its resume, when it is switched on or
 * probed. And a plain step moves the table 2 % at most ({@link StepCostTable}): moving it a fifth of the way, a few
 * slow plain steps (a wake, or one of the machine's slow spells) raised c(1, 1) to 1.1–1.3 ms where the median plain
 * step took 0.5 ms (coupled, one sequence, T = 1); every drafter round looked cheap beside it and the plan switched
 * drafting on, and since a step that drafts is never plain, nothing corrected c(1, 1) until the streak ended. One bench
 * cell drafted on 26 % of its steps and ran at 0.78× plain.
 */
public final class GoodputController implements StepWidths {

    /** How many times plain's score a wider step (or drafting inside the verifier) must promise. */
    static final double MARGIN = 1.1;
    /** Steps between two one-token probes of an in-verifier drafter that the plan has switched off. */
    static final int PROBE_EVERY = 16;
    /** Most of the verifier's time that probing a switched-off drafter may take. */
    private static final double PROBE_SHARE = 0.02;
    /** Weight of the latest round in a drafter's availability. */
    private static final double AVAILABILITY_WEIGHT = 0.2;

    private final Supplier<StepCostTable> measure;
    private final AcceptanceEstimates estimates;
    private final Map<String, Double> availability = new HashMap<>();
    private final Map<String, ProbeSchedule> probes = new HashMap<>();
    private final DrafterWakes wakes = new DrafterWakes();
    private StepCostTable costs;

    /**
     * A controller on the table {@code measure} gives, asked for only when the first draft is offered (a verifier that
     * never sees one never spends the seconds measuring), and on {@code estimates}.
     */
    public GoodputController(Supplier<StepCostTable> measure, AcceptanceEstimates estimates) {
        this.measure = measure;
        this.estimates = estimates;
    }

    /** A controller on a table known already. */
    public GoodputController(StepCostTable costs, AcceptanceEstimates estimates) {
        this(() -> costs, estimates);
    }

    /** Candidates are weighed by their expected accepted tokens: the one worth most is verified. */
    @Override
    public Optional<ToDoubleBiFunction<String, Integer>> draftWorth(String requestId) {
        return Optional.of((drafter, tokens) -> estimates.expectedAccepted(requestId, drafter, tokens)[tokens]);
    }

    /** Measures the step costs now, not at the first draft. */
    @Override
    public void prepare() {
        costs();
    }

    private StepCostTable costs() {
        if (costs == null) {
            costs = measure.get();
        }
        return costs;
    }

    /**
     * The best width for a step over {@code batch} sequences of which {@code drafted} offer drafts (the others feed
     * one token whatever the width), at most {@code maxWidth}.
     */
    @Override
    public int width(int batch, List<Row> drafted, int maxWidth) {
        int widest = 1;
        for (Row row : drafted) {
            widest = Math.max(widest, 1 + row.draftTokens());
        }
        widest = Math.min(widest, maxWidth);
        if (widest == 1) {
            return 1;
        }
        double[] gained = new double[widest + 1];
        for (Row row : drafted) {
            double[] expected = estimates.expectedAccepted(row.requestId(), row.drafter(),
                    Math.min(row.draftTokens(), widest - 1));
            for (int w = 2; w <= widest; w++) {
                gained[w] += expected[Math.min(expected.length - 1, w - 1)];
            }
        }
        StepCostTable table = costs();
        int best = 1;
        double bestScore = MARGIN * batch / table.nanos(batch, 1);
        for (int w = 2; w <= widest; w++) {
            double score = (batch + gained[w]) / table.nanos(batch, w);
            if (score > bestScore) {
                best = w;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * How many tokens an in-verifier drafter should draft (0 .. {@code cap}) for the next step over {@code requestIds}
     * (one entry per active sequence), when it costs {@code cost} of the verifier's own time per sequence: j tokens
     * take j + 1 steps (the first catches up on what was committed), or after a pause a resume and j steps; 0 take
     * none. A paused drafter is thus switched back on by a probe, whose second round no longer pays the resume, or by
     * drafts worth even the resume — not by every plan that finds its steps cheap, each paying a re-prefill.
     */
    @Override
    public int plannedDraftTokens(String drafter, List<String> requestIds, int cap, DrafterCost cost) {
        int batch = requestIds.size();
        if (batch == 0 || cap < 1) {
            return 0;
        }
        StepCostTable table = costs();
        double[] gained = new double[cap + 1];
        double share = availability.getOrDefault(drafter, 1.0);
        for (String requestId : requestIds) {
            double[] expected = estimates.expectedAccepted(requestId, drafter, cap);
            for (int j = 1; j <= cap; j++) {
                gained[j] += share * expected[j];
            }
        }
        int best = 0;
        double bestScore = MARGIN * batch / table.nanos(batch, 1);
        for (int j = 1; j <= cap; j++) {
            double score = (batch + gained[j]) / (table.nanos(batch, j + 1) + batch * cost.ofRound(j)
                    + (cost.paused() ? wakes.of(drafter) : 0));
            if (score > bestScore) {
                best = j;
                bestScore = score;
            }
        }
        ProbeSchedule schedule = probes.computeIfAbsent(drafter, name -> new ProbeSchedule());
        boolean probesSecondRound = schedule.secondRoundDue; // a probe is cut short by a plan that drafts anyway
        schedule.secondRoundDue = false;
        if (best > 0 || probesSecondRound) {
            schedule.plansSinceProbe = 0;
            return drafting(drafter, Math.max(best, 1), batch, cost, table);
        }
        // a probe costs a resume, about two drafter steps (the second round's catch-up and token) and its wake; spaced
        // so that probing a dear drafter takes at most PROBE_SHARE of the verifier's time
        double probe = batch * (cost.paused(true).ofRound(1) + cost.paused(false).ofRound(1)) + wakes.of(drafter);
        long every = Math.max(PROBE_EVERY, (long) Math.ceil(probe / (PROBE_SHARE * table.nanos(batch, 1))));
        if (++schedule.plansSinceProbe >= every) {
            schedule.plansSinceProbe = 0;
            schedule.secondRoundDue = true;
            return drafting(drafter, 1, batch, cost, table);
        }
        return 0;
    }

    /** {@code tokens}, told to the wakes: a round this dear may leave one on the next plain steps. */
    private int drafting(String drafter, int tokens, int batch, DrafterCost cost, StepCostTable table) {
        wakes.drafted(drafter, batch * cost.ofRound(tokens), table.nanos(batch, 1));
        return tokens;
    }

    /** Fades the share of sequences a drafter finds a draft for towards this round's {@code usable / asked}. */
    @Override
    public void offered(String drafter, int asked, int usable) {
        if (asked > 0) {
            double now = (double) usable / asked;
            availability.merge(drafter, now, (old, fresh) -> old + AVAILABILITY_WEIGHT * (fresh - old));
        }
    }

    /** Refines the cost table with the step, unless it is a plain step in a dear drafter's wake. */
    @Override
    public void stepped(int batch, int width, long forwardNanos) {
        if (costs == null) {
            return;
        }
        if (!wakes.inWake(width, forwardNanos, costs.nanos(batch, 1))) {
            costs.observe(batch, width, forwardNanos);
        }
    }

    /**
     * The verified draft counts its accepted positions and, if it was cut short, the rejected one; each alternative
     * is judged against what the step committed, positions past that unjudged.
     */
    @Override
    public void judged(StepOutcome outcome) {
        String requestId = outcome.key().requestId();
        outcome.drafter().ifPresent(drafter -> {
            if (outcome.proposed() > 0) {
                estimates.judged(requestId, drafter, outcome.proposed(), outcome.accepted());
            }
        });
        int committed = outcome.tokens().length;
        for (Alternative alternative : outcome.alternatives()) {
            int judged = Math.min(alternative.proposed(), committed);
            if (judged > 0) {
                estimates.judged(requestId, alternative.drafter(), judged, alternative.agreed());
            }
        }
    }

    @Override
    public void forget(String requestId) {
        estimates.forget(requestId);
    }

    /** One in-verifier drafter's probes: plans since its last, and whether the next plan is a probe's second round. */
    private static final class ProbeSchedule {
        private long plansSinceProbe;
        private boolean secondRoundDue;
    }
}
