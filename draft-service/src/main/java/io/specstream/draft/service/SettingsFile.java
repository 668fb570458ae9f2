package io.specstream.draft.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A service's settings: the properties file named by the first argument, or none (every key at its default). */
public final class SettingsFile {

    private SettingsFile() {
    }

    public static Map<String, String> fromArgs(String[] args) {
        return args.length == 0 ? Map.of() : load(Path.of(args[0]));
    }

    public static Map<String, String> load(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("settings file " + file + " does not exist or is not readable");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read settings file " + file, e);
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
        return settings;
    }
}
