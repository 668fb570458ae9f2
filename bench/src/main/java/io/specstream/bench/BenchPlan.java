package io.specstream.bench;

import io.specstream.draft.ModelFreeDrafters;
import io.specstream.pipeline.cli.RunMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything one {@code specstream bench} run covers: the grid (modes × samplings × concurrencies), the workload
 * (prompts, how many of them, epochs, length limit), the models, and where the report goes. Validated on creation,
 * each refusal naming the flag and what is allowed.
 *
 * @param promptLimit the first this many prompts of the file; 0 means all
 * @param pin         pin the verify loop and the draft loop to cores 0 and 1 (when the machine has two)
 * @param repeats     how many times every cell runs, the whole grid once per repeat (so a repeat's cells share the
 *                    machine's mood), every other repeat in reverse order ({@link #cellsOfRepeat}): ratios are taken
 *                    within a repeat, their median reported with its spread
 * @param policySwitch a target model directory published as policy version 1 before the second epoch, whose
 *                    requests name it: new weights between RL steps, acceptance reported per version
 */
public record BenchPlan(List<RunMode> modes, List<Sampling> samplings, List<Integer> concurrencies, int epochs,
                        Path prompts, int promptLimit, OptionalInt maxNewTokens, Path targetDir, List<Path> draftDirs,
                        int k, Path outDir, boolean pin, int repeats, Optional<Path> policySwitch) {

    public BenchPlan {
        modes = List.copyOf(modes);
        samplings = List.copyOf(samplings);
        concurrencies = List.copyOf(concurrencies);
        draftDirs = List.copyOf(draftDirs);
        requireSome("--modes", modes);
        requireSome("--samplings", samplings);
        requireSome("--concurrency", concurrencies);
        if (!modes.contains(RunMode.PLAIN)) {
            throw new IllegalArgumentException("--modes " + modes + " must include plain: every ratio is taken against it");
        }
        for (int concurrency : concurrencies) {
            atLeast("--concurrency", concurrency, 1);
        }
        atLeast("--epochs", epochs, 1);
        atLeast("--prompt-limit", promptLimit, 0);
        atLeast("--k", k, 1);
        atLeast("--repeats", repeats, 1);
        maxNewTokens.ifPresent(max -> atLeast("--max-new-tokens", max, 1));
        if (policySwitch.isPresent() && epochs < 2) {
            throw new IllegalArgumentException("--policy-switch needs --epochs 2 or more (the switch comes before the "
                    + "second); got --epochs " + epochs);
        }
        if (draftDirs.isEmpty() && modes.stream().anyMatch(RunMode::drafts)) {
            throw new IllegalArgumentException("--draft-dirs is empty; allowed values: one or more draft model directories");
        }
    }

    /** The cells in the order they run: per sampling and concurrency, every mode one after the other. */
    public List<CellKey> cells() {
        return samplings.stream().flatMap(sampling -> concurrencies.stream().flatMap(concurrency ->
                modes.stream().map(mode -> new CellKey(mode, sampling, concurrency)))).toList();
    }

    /**
     * The cells of repeat {@code repeat} (from 1) in the order they run: odd repeats as {@link #cells()}, even ones
     * reversed, so that a mode run after plain in one repeat runs before it in the next and a drift of the machine's
     * speed within a repeat favours neither. Modes plain, fastest: repeat 1 runs plain, fastest; repeat 2 fastest,
     * plain.
     */
    public List<CellKey> cellsOfRepeat(int repeat) {
        List<CellKey> cells = new ArrayList<>(cells());
        if (repeat % 2 == 0) {
            Collections.reverse(cells);
        }
        return cells;
    }

    /** The draft model coupled and decoupled use: the first, as {@code specstream run} does. */
    public Path singleDraftDir() {
        return draftDirs.get(0);
    }

    /**
     * The drafters a cell of {@code mode} runs, by name: none for either plain, the first draft model for coupled and
     * decoupled, every draft model and the model-free families for either fastest.
     */
    public List<String> drafters(RunMode mode) {
        return switch (mode) {
            case PLAIN, PLAIN_EVERY_CORE -> List.of();
            case COUPLED, DECOUPLED -> List.of(String.valueOf(singleDraftDir().getFileName()));
            case FASTEST, FASTEST_NO_SELECTOR -> {
                List<String> names = new ArrayList<>();
                draftDirs.forEach(dir -> names.add(String.valueOf(dir.getFileName())));
                Arrays.stream(ModelFreeDrafters.values()).map(ModelFreeDrafters::flagValue).forEach(names::add);
                yield names;
            }
        };
    }

    private static void requireSome(String flag, List<?> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(flag + " is empty; allowed values: a comma-separated list of at least one");
        }
    }

    private static void atLeast(String flag, int value, int least) {
        if (value < least) {
            throw new IllegalArgumentException(flag + " " + value + " is not valid; allowed values: an integer >= " + least);
        }
    }
}
