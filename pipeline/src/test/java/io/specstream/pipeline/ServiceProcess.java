package io.specstream.pipeline;

import io.specstream.topology.testing.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code specstream} subcommand in a JVM of its own, on the test's classpath, so that a kill is a real
 * {@code kill -9} (no shutdown hook, no close, sockets cut). Its stdout and stderr go to a log file, which the test
 * reads for the lines the services print (ownership of partitions, the metrics address).
 *
 * <pre>{@code
 * ServiceProcess verify = ServiceProcess.start("verify-a", logs, "verify", "--bootstrap-servers", bootstrap, ...);
 * verify.awaitOwned(Set.of(0));    // "prompts partitions owned: [0]"
 * verify.kill();                   // SIGKILL
 * }</pre>
 */
final class ServiceProcess implements AutoCloseable {

    private static final Pattern OWNED = Pattern.compile("partitions owned: \\[([0-9, ]*)]");
    private static final Pattern METRICS = Pattern.compile("metrics=(http://\\S+)");
    private static final Duration STARTUP = Duration.ofMinutes(2);

    private final String name;
    private final Path log;
    private final long logStart;
    private final Process process;

    private ServiceProcess(String name, Path log, long logStart, Process process) {
        this.name = name;
        this.log = log;
        this.logStart = logStart;
        this.process = process;
    }

    /** Starts {@code specstream args...} as {@code name}, its output in {@code logs/name.log} (appended). */
    static ServiceProcess start(String name, Path logs, String... args) {
        try {
            Files.createDirectories(logs);
            // the classpath goes in an argument file: ONNX Runtime's environment crashed (SIGSEGV in
            // OrtEnvironment.createHandle) in a JVM whose command line held the ~9 KB test classpath
            Path classpath = logs.resolve(name + ".classpath");
            Files.writeString(classpath, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-Dorg.slf4j.simpleLogger.log.io.specstream=info",
                    "@" + classpath, "io.specstream.topology.cli.SpecStreamCli"));
            command.addAll(Arrays.asList(args));
            Path log = logs.resolve(name + ".log");
            long logStart = Files.exists(log) ? Files.size(log) : 0; // a restart appends to its predecessor's log
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ServiceProcess(name, log, logStart, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    /** Everything this process printed so far. */
    String log() {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** Waits until it has printed {@code text}; fails with its log if it exits first. */
    void awaitPrinted(String text) {
        Await.until(name + " prints '" + text + "'", STARTUP, () -> stillRunning() && log().contains(text));
    }

    /** The partitions it owns, as its last "partitions owned" line says (empty before the first). */
    Set<Integer> owned() {
        Matcher matcher = OWNED.matcher(log());
        Set<Integer> owned = new TreeSet<>();
        while (matcher.find()) {
            owned.clear();
            for (String number : matcher.group(1).split(",")) {
                if (!number.isBlank()) {
                    owned.add(Integer.parseInt(number.trim()));
                }
            }
        }
        return owned;
    }

    void awaitOwned(Set<Integer> partitions) {
        Await.until(name + " owns partitions " + partitions, STARTUP,
                () -> stillRunning() && owned().equals(partitions));
    }

    /** True while it runs; an exit fails the wait at once, with its log, instead of at the deadline. */
    boolean stillRunning() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
        }
        return true;
    }

    /** The value of a counter or gauge it serves on its metrics endpoint ({@code --metrics-port}). */
    double metric(String prometheusName) {
        Matcher address = METRICS.matcher(log());
        if (!address.find()) {
            throw new AssertionError(name + " printed no metrics address:\n" + log());
        }
        String scrape;
        try {
            scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return scrape.lines().filter(line -> line.startsWith(prometheusName + " ") || line.startsWith(prometheusName + "{"))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " serves no " + prometheusName));
    }

    /** {@code kill -9}: the JVM gets no chance to close anything. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** The last {@code lines} lines it printed. */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** {@code kill -STOP}: every thread halts where it is, sockets stay open, until {@link #resume()}. */
    void pause() {
        signal("STOP");
    }

    /** {@code kill -CONT} after {@link #pause()}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(1, TimeUnit.MINUTES) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException(name + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }
}
