package io.specstream.selector.policy;

import io.specstream.selector.SelectorConfig;
import io.specstream.selector.state.Choice;
import io.specstream.selector.state.RequestState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fastest-of-N for one request: which drafters run, which is primary, and k.
 *
 * <ul>
 *   <li><b>Evidence.</b> No decision until the best-ranked drafter has {@code minObservations} steps and has had a
 *       token accepted (a ranking of drafters that all failed says nothing, and narrowing on it would starve a
 *       drafter not seen yet); until then consumers run every drafter, which is what no assignment means.</li>
 *   <li><b>Primary</b> = the head of the {@link DrafterRanking}, except that the current primary stays unless the
 *       leader's accepted-per-step beats it by more than {@code switchMargin} (hysteresis: no flapping).</li>
 *   <li><b>Load</b> in [0, 1]: verify load {@code v = (batch - idleBatch) / (fullBatch - idleBatch)}, clamped; draft
 *       load {@code d = (busy - draftIdle) / (draftBusy - draftIdle)}, clamped, from the mean busy fraction of fresh
 *       heartbeats. Load is {@code min(v, d)} — all drafters run while either side has idle capacity (early, and in
 *       the long tail when few sequences are left) — or {@code v} alone without heartbeats.</li>
 *   <li><b>Width</b> = {@code n - round(load * (n - 1))} of the n known drafters, best first: all at load 0, the
 *       primary alone at load 1.</li>
 *   <li><b>k</b> = {@code round(top - v * (top - kMin))} with {@code top = kMax} when the primary's acceptance rate
 *       is at least {@code highAcceptance}, else {@code kBase}: long drafts when the verifier has room and drafts
 *       are good, {@code kMin} at a full batch whatever the acceptance.</li>
 * </ul>
 *
 * <p>Worked example with the defaults (idle batch 4, full batch 32, draft idle 0.3 / busy 0.8, high acceptance 0.7)
 * but k 2/4/8 (the default kMin is 4, which turns every k below into at least 4) and drafters {@code ngram} 3.1
 * accepted/step at rate 0.78, {@code draft-small} 2.0, {@code suffix} 1.2, each with enough steps:
 * <pre>
 * batch  3, no heartbeats  → v 0.0, load 0.0 → [ngram, draft-small, suffix], k 8 (rate 0.78 ≥ 0.7)
 * batch 18, mean busy 0.9  → v 0.5, d 1.0, load 0.5 → 3 - round(1.0) = 2 → [ngram, draft-small], k 8 - 3 = 5
 * batch 40, mean busy 0.9  → v 1.0, load 1.0 → [ngram], k 2
 * batch 40, mean busy 0.1  → v 1.0, d 0.0, load 0.0 → all three (drafting is idle), k 2 (verifier is full)
 * </pre>
 * If {@code draft-small} then climbs to 3.5 accepted/step, it leads the ranking but 3.5 ≤ 3.1 × 1.2 = 3.72, so
 * {@code ngram} stays primary; at 3.8 it takes over.
 */
public final class SelectionPolicy {

    private final SelectorConfig config;
    private final DrafterRanking ranking;

    public SelectionPolicy(SelectorConfig config) {
        this.config = config;
        this.ranking = new DrafterRanking(config.minObservations());
    }

    /** The decision for {@code state} under {@code load}; empty while there is not enough evidence. */
    public Optional<Decision> decide(RequestState state, Load load) {
        List<RankedDrafter> ranked = ranking.rank(state.drafters());
        if (ranked.isEmpty() || !ranked.get(0).qualified() || ranked.get(0).estimate().acceptedSum() == 0) {
            return Optional.empty();
        }
        RankedDrafter leader = ranked.get(0);
        Optional<RankedDrafter> incumbent = state.lastEmitted().map(Choice::primary)
                .flatMap(name -> ranked.stream().filter(d -> d.name().equals(name) && d.qualified()).findFirst());
        RankedDrafter primary = incumbent.filter(current -> !beatsByMargin(leader, current)).orElse(leader);

        List<RankedDrafter> ordered = new ArrayList<>(ranked.size());
        ordered.add(primary);
        ranked.stream().filter(drafter -> drafter != primary).forEach(ordered::add);

        double verifyLoad = scale(load.batchSize(), config.idleBatch(), config.fullBatch());
        double combined = load.draftBusy().isPresent()
                ? Math.min(verifyLoad, scale(load.draftBusy().getAsDouble(), config.draftIdle(), config.draftBusy()))
                : verifyLoad;
        int width = (int) Math.max(1, ordered.size() - Math.round(combined * (ordered.size() - 1)));
        double rate = primary.estimate().acceptanceRate();
        int top = rate >= config.highAcceptance() ? config.kMax() : config.kBase();
        int k = (int) Math.round(top - verifyLoad * (top - config.kMin()));

        List<String> drafters = ordered.subList(0, width).stream().map(RankedDrafter::name).toList();
        Choice choice = new Choice(drafters, primary.name(), k);
        return Optional.of(new Decision(choice, reason(primary, leader, load, verifyLoad, combined, width,
                ordered.size(), rate, k)));
    }

    private boolean beatsByMargin(RankedDrafter challenger, RankedDrafter current) {
        return challenger.estimate().acceptedPerStep()
                > current.estimate().acceptedPerStep() * (1 + config.switchMargin());
    }

    /** {@code value} mapped linearly to [0, 1]: 0 at or below {@code idle}, 1 at or above {@code full}. */
    private static double scale(double value, double idle, double full) {
        return Math.min(1, Math.max(0, (value - idle) / (full - idle)));
    }

    private String reason(RankedDrafter primary, RankedDrafter leader, Load load, double verifyLoad, double combined,
                          int width, int known, double rate, int k) {
        StringBuilder reason = new StringBuilder(String.format(Locale.ROOT,
                "primary %s: %.2f accepted/step, rate %.2f over %d steps", primary.name(),
                primary.estimate().acceptedPerStep(), rate, primary.estimate().observations()));
        if (leader != primary) {
            reason.append(String.format(Locale.ROOT, " (kept: %s at %.2f is within the %.0f%% switch margin)",
                    leader.name(), leader.estimate().acceptedPerStep(), config.switchMargin() * 100));
        }
        reason.append(String.format(Locale.ROOT, "; batch %d (verify load %.2f)", load.batchSize(), verifyLoad));
        load.draftBusy().ifPresent(busy -> reason.append(String.format(Locale.ROOT,
                ", drafting %.0f%% busy over %d instance(s)", busy * 100, load.draftInstances())));
        reason.append(String.format(Locale.ROOT, " -> load %.2f: %d of %d drafters, k %d", combined, width, known, k));
        return reason.toString();
    }
}
