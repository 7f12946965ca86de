package com.nextbreakpoint.toolbox.testjobs;

import java.util.HashMap;
import java.util.Map;

/**
 * "--key value" parser for the program argument list (the REST run request's programArgsList).
 * Only the keys given as defaults are accepted: an unknown key or a missing value makes main() throw,
 * which a test can use to provoke a failing run request (HTTP 400, no job created).
 * (Flink's ParameterTool moved package between 1.20 and 2.x, so it is not used.)
 */
final class Args {
    private final Map<String, String> values;

    Args(String[] args, String... defaults) {
        values = new HashMap<>();
        for (int i = 0; i + 1 < defaults.length; i += 2) {
            values.put(defaults[i], defaults[i + 1]);
        }
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (key == null || !values.containsKey(key)) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; accepted: " + values.keySet());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + args[i]);
            }
            values.put(key, args[i + 1]);
        }
    }

    String get(String key) {
        return values.get(key);
    }

    long getLong(String key) {
        return Long.parseLong(values.get(key));
    }

    double getDouble(String key) {
        return Double.parseDouble(values.get(key));
    }
}
