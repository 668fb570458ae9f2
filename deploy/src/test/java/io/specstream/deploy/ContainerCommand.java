package io.specstream.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command a container runs with the SpecStream image as entrypoint: compose's {@code command} or a Kubernetes
 * container's {@code args}, e.g. {@code [verify, --group-id, verify-service, --transactional-id, $(POD_NAME)]}.
 *
 * @param where       where it is written, for messages: {@code compose.yaml service verify}
 * @param image       the container's image
 * @param args        the arguments as written ({@code $(NAME)} not yet expanded)
 * @param environment the container's environment where known: name → value (Kubernetes: ConfigMap entries, literal
 *                    values, and a stand-in for downward-API fields)
 * @param definition  the whole container (or compose service) definition
 */
record ContainerCommand(String where, String image, List<String> args, Map<String, String> environment,
                        Map<String, Object> definition) {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    ContainerCommand {
        args = List.copyOf(args);
        environment = Map.copyOf(environment);
    }

    /** The subcommand: the first argument, {@code verify}, {@code topics}, ... */
    String subcommand() {
        return args.isEmpty() ? "" : args.get(0);
    }

    /** Every {@code --flag} given, in order ({@code --flag=value} counts as {@code --flag}). */
    List<String> flags() {
        return options().keySet().stream().toList();
    }

    /** The value given to {@code flag}, as written. */
    Optional<String> value(String flag) {
        return Optional.ofNullable(options().get(flag));
    }

    /** The arguments with every {@code $(NAME)} replaced from {@link #environment()}, as Kubernetes expands them. */
    List<String> expandedArgs() {
        List<String> expanded = new ArrayList<>();
        for (String arg : args) {
            Matcher matcher = VARIABLE.matcher(arg);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String value = environment.get(matcher.group(1));
                matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
            }
            matcher.appendTail(out);
            expanded.add(out.toString());
        }
        return expanded;
    }

    private Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                continue;
            }
            int equals = arg.indexOf('=');
            if (equals > 0) {
                options.put(arg.substring(0, equals), arg.substring(equals + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                options.put(arg, args.get(++i));
            } else {
                options.put(arg, "");
            }
        }
        return options;
    }
}
