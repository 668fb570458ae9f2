package io.specstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/Dockerfile as instructions (continued lines joined, comments dropped): its stages, the images it starts
 * from, the context paths it copies and the Maven profiles it builds with.
 *
 * <p>Example: {@code FROM maven:3.9.9-eclipse-temurin-17 AS sources} gives the stage {@code sources} and the base
 * image {@code maven:3.9.9-eclipse-temurin-17}; a later {@code FROM sources AS build-gpu} starts from a stage, not
 * an image; {@code COPY --from=build-gpu /src/... x} copies from a stage, {@code COPY models models} from the context.
 */
record Dockerfile(List<String> instructions) {

    private static final Pattern PROFILE = Pattern.compile("\\s-P\\s*([\\w.,-]+)");

    static Dockerfile read(Path file) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                } else {
                    current.append(trimmed);
                    instructions.add(current.toString().strip());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    /** Stage names, in order: {@code FROM image AS name}. */
    List<String> stages() {
        List<String> stages = new ArrayList<>();
        for (List<String> from : withKeyword("FROM")) {
            int as = indexOfIgnoringCase(from, "AS");
            if (as >= 0 && as + 1 < from.size()) {
                stages.add(from.get(as + 1));
            }
        }
        return stages;
    }

    /** The last stage: what {@code docker build} builds without {@code --target}. */
    String defaultTarget() {
        List<String> stages = stages();
        return stages.get(stages.size() - 1);
    }

    /** Images the build pulls: FROM images that are not earlier stages, and COPY --from= images. */
    Set<String> externalImages() {
        Set<String> images = new LinkedHashSet<>();
        List<String> stagesSoFar = new ArrayList<>();
        for (String instruction : instructions) {
            List<String> words = words(instruction);
            String keyword = words.get(0).toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                String image = words.stream().skip(1).filter(word -> !word.startsWith("--")).findFirst().orElseThrow();
                if (!stagesSoFar.contains(image)) {
                    images.add(image);
                }
                int as = indexOfIgnoringCase(words, "AS");
                if (as >= 0) {
                    stagesSoFar.add(words.get(as + 1));
                }
            } else if (keyword.equals("COPY")) {
                fromOption(words).filter(from -> !stagesSoFar.contains(from)).ifPresent(images::add);
            }
        }
        return images;
    }

    /** Sources of every COPY / ADD from the build context (not from a stage or an image). */
    List<String> contextSources() {
        List<String> sources = new ArrayList<>();
        for (String keyword : List.of("COPY", "ADD")) {
            for (List<String> words : withKeyword(keyword)) {
                if (fromOption(words).isPresent()) {
                    continue;
                }
                List<String> paths = words.stream().skip(1).filter(word -> !word.startsWith("--")).toList();
                sources.addAll(paths.subList(0, paths.size() - 1));
            }
        }
        return sources;
    }

    /** Maven profiles named with -P in RUN instructions, e.g. {@code gpu}. */
    Set<String> mavenProfiles() {
        Set<String> profiles = new LinkedHashSet<>();
        for (String instruction : instructions) {
            if (instruction.toUpperCase(Locale.ROOT).startsWith("RUN ") && instruction.contains("mvn")) {
                Matcher matcher = PROFILE.matcher(instruction);
                while (matcher.find()) {
                    profiles.addAll(Arrays.asList(matcher.group(1).split(",")));
                }
            }
        }
        return profiles;
    }

    /** What the COPY --from= instructions of stage {@code stage} copy from (stages or images). */
    List<String> copiedFromBy(String stage) {
        List<String> from = new ArrayList<>();
        String current = null;
        for (String instruction : instructions) {
            List<String> words = words(instruction);
            String keyword = words.get(0).toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                int as = indexOfIgnoringCase(words, "AS");
                current = as >= 0 ? words.get(as + 1) : null;
            } else if (keyword.equals("COPY") && stage.equals(current)) {
                fromOption(words).ifPresent(from::add);
            }
        }
        return from;
    }

    /** The instructions of stage {@code stage}, its FROM line first. */
    List<String> stageInstructions(String stage) {
        List<String> inStage = new ArrayList<>();
        boolean inside = false;
        for (String instruction : instructions) {
            List<String> words = words(instruction);
            if (words.get(0).equalsIgnoreCase("FROM")) {
                int as = indexOfIgnoringCase(words, "AS");
                inside = as >= 0 && words.get(as + 1).equals(stage);
            }
            if (inside) {
                inStage.add(instruction);
            }
        }
        return inStage;
    }

    private List<List<String>> withKeyword(String keyword) {
        return instructions.stream().map(Dockerfile::words)
                .filter(words -> words.get(0).equalsIgnoreCase(keyword)).toList();
    }

    private static Optional<String> fromOption(List<String> words) {
        return words.stream().filter(word -> word.startsWith("--from=")).map(word -> word.substring("--from=".length()))
                .findFirst();
    }

    private static int indexOfIgnoringCase(List<String> words, String word) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equalsIgnoreCase(word)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> words(String instruction) {
        return List.of(instruction.split("\\s+"));
    }
}
