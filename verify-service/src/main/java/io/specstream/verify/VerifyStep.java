package io.specstream.verify;

import io.specstream.contract.SequenceKey;
import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.decode.StepRequest;
import io.specstream.inference.decode.StepResult;
import io.specstream.inference.sampling.SampledToken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The body of the verify loop: one batched forward over every active sequence (DESIGN invariant 2: nobody waits
 * for drafts). Each sequence's draft is picked among its candidates by {@link DraftChoice}; a sequence with a usable draft feeds {@code [pending, d1 .. dj]}, the others feed {@code [pending]};
 * then per sequence the {@link AcceptanceRule} picks the target's tokens, rejected positions are truncated from
 * the cache, the tokens are committed and the {@link StopRule} applied.
 *
 * <p>Draft tokens are capped per sequence by the max draft length and by what can still be committed (max tokens,
 * context end); then {@link StepWidths} chooses the step's width (1 + the draft tokens any row may verify: the
 * batch is one padded tensor) and the step's token budget is handed out in sequence order after every sequence's own
 * token. Whatever is cut, the acceptance rule alone decides what is committed (lossless at any width).
 */
public final class VerifyStep {

    private final BatchedDecoder decoder;
    private final AcceptanceRule rule = new AcceptanceRule();
    private final DraftChoice choice;
    private final int maxDraftTokens;
    private final int maxTokensPerStep;
    private final StepWidths widths;
    private long forwardNanos;
    private int width;

    public VerifyStep(BatchedDecoder decoder, int vocab, int maxDraftTokens, int maxTokensPerStep, StepWidths widths) {
        this.decoder = decoder;
        this.widths = widths;
        this.choice = new DraftChoice(new DraftValidity(vocab));
        this.maxDraftTokens = maxDraftTokens;
        this.maxTokensPerStep = maxTokensPerStep;
    }

    /** Runs one step over {@code active} (none finished) and returns one outcome per sequence, in order. */
    public List<StepOutcome> run(List<VerifySequence> active, Function<SequenceKey, DraftCandidates> drafts) {
        List<DraftChoice.Chosen> choices = new ArrayList<>(active.size());
        List<StepWidths.Row> drafted = new ArrayList<>();
        for (VerifySequence sequence : active) {
            int limit = Math.min(maxDraftTokens, sequence.room() - 1);
            DraftChoice.Chosen chosen = limit < 1 ? DraftChoice.Chosen.NOTHING
                    : choice.choose(drafts.apply(sequence.key()), sequence.committedView(), sequence.committedLength(), limit,
                            widths.draftWorth(sequence.key().requestId()));
            choices.add(chosen);
            chosen.drafter().ifPresent(drafter -> drafted.add(
                    new StepWidths.Row(sequence.key().requestId(), drafter, chosen.tokens().length)));
        }
        int chosenWidth = widths.width(active.size(), drafted, maxDraftTokens + 1);
        int budget = maxTokensPerStep - active.size();
        width = 1;
        List<StepRequest> requests = new ArrayList<>(active.size());
        for (int s = 0; s < active.size(); s++) {
            VerifySequence sequence = active.get(s);
            DraftChoice.Chosen chosen = choices.get(s).cappedAt(Math.min(chosenWidth - 1, budget));
            choices.set(s, chosen);
            int[] draft = chosen.tokens();
            budget -= draft.length;
            width = Math.max(width, draft.length + 1); // the budget may cut below the chosen width
            int[] feed = new int[draft.length + 1];
            feed[0] = sequence.pending();
            System.arraycopy(draft, 0, feed, 1, draft.length);
            requests.add(new StepRequest(sequence.decoderId(), feed));
        }
        long started = System.nanoTime();
        StepResult result = decoder.step(requests);
        long forward = System.nanoTime() - started;
        forwardNanos += forward;
        widths.stepped(active.size(), width, forward);
        List<StepOutcome> outcomes = new ArrayList<>(active.size());
        for (int s = 0; s < active.size(); s++) {
            VerifySequence sequence = active.get(s);
            DraftChoice.Chosen chosen = choices.get(s);
            int[] draft = chosen.tokens();
            int start = sequence.committedLength();
            Acceptance acceptance = rule.judge(result.logits(sequence.decoderId()), draft, sequence.params(),
                    sequence.noiseAt(start));
            // the cache now holds pending + the whole draft; keep pending + the accepted part
            int keep = sequence.promptLength() + start + acceptance.accepted();
            if (decoder.length(sequence.decoderId()) > keep) {
                decoder.truncate(sequence.decoderId(), keep);
            }
            int committed = 0;
            Optional<FinishReason> finish = Optional.empty();
            for (SampledToken token : acceptance.committed()) {
                committed++;
                finish = sequence.commit(token);
                if (finish.isPresent()) {
                    break; // tokens past a stop are not part of the response, exactly as in plain decoding
                }
            }
            sequence.recordStep(chosen.drafter(), draft.length, acceptance.accepted());
            int[] tokens = Arrays.copyOf(acceptance.tokens(), committed);
            StepOutcome outcome = new StepOutcome(sequence.key(), start, tokens, chosen.drafter(), draft.length,
                    acceptance.accepted(), finish, chosen.others().stream()
                            .map(other -> Alternative.judge(other.drafter(), other.tokens(), tokens)).toList());
            widths.judged(outcome);
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /** Tokens fed per sequence in the last step (1: plain decoding). */
    int lastWidth() {
        return width;
    }

    /** Wall time spent in the batched forward (the model run alone) since this step was made. */
    long forwardNanos() {
        return forwardNanos;
    }
}
