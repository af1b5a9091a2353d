package io.mainstay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The keys {@code mainstay.conf} may set, checked against a file: a value where an object of known keys
 * belongs is an error; an unknown key is a warning that names it and the known key it probably meant.
 * The {@code pekko} block goes to Pekko as it is and is not checked here.
 */
final class KnownKeys {

  static final String PEKKO = "pekko";

  /** Shortest first, so a problem names the simplest key an object holds. */
  private static final Comparator<String> SHORTEST_FIRST = Comparator.comparingInt(String::length)
      .thenComparing(Comparator.naturalOrder());

  private final Set<String> keys;

  /** @param defaults resolved: every key has a default */
  KnownKeys(Config defaults) {
    this.keys = defaults.entrySet().stream().map(Map.Entry::getKey)
        .collect(Collectors.toCollection(() -> new TreeSet<>(SHORTEST_FIRST)));
  }

  /** The warnings for the file's unknown keys, in the order of their lines. */
  List<String> check(Config file) throws ConfigProblem {
    ConfigValue pekko = file.root().get(PEKKO);
    if (pekko != null && pekko.valueType() != ConfigValueType.OBJECT && pekko.valueType() != ConfigValueType.NULL) {
      throw new ConfigProblem(PEKKO, "expected an object (pekko { ... }), got " + ValueText.describe(pekko)
          + ValueText.where(pekko));
    }
    List<Map.Entry<String, ConfigValue>> unknown = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : file.entrySet()) {
      String path = e.getKey();
      if (path.startsWith(PEKKO + ".") || keys.contains(path)) {
        continue;
      }
      for (String known : keys) {
        if (known.startsWith(path + ".")) {
          throw new ConfigProblem(path, "expected an object (it holds " + known + "), got "
              + ValueText.describe(e.getValue()) + ValueText.where(e.getValue()));
        }
      }
      unknown.add(e);
    }
    unknown.sort(Comparator.<Map.Entry<String, ConfigValue>>comparingInt(e -> ValueText.line(e.getValue()))
        .thenComparing(Map.Entry::getKey));
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : unknown) {
      StringBuilder w = new StringBuilder("unknown key '").append(e.getKey()).append("' (ignored)");
      int line = ValueText.line(e.getValue());
      if (line > 0) {
        w.append(" at line ").append(line);
      }
      String suggestion = suggest(e.getKey());
      if (suggestion != null) {
        w.append("; did you mean '").append(suggestion).append("'?");
      }
      warnings.add(w.toString());
    }
    return warnings;
  }

  /**
   * The file without its nulls at known keys: in {@code mainstay.conf} null has always meant "the default",
   * where Typesafe Config would hide the default and then refuse the null.
   */
  Config withoutNulls(Config file) {
    Config result = file;
    for (String key : keys) {
      String path = null;
      for (String part : key.split("\\.")) {
        path = path == null ? part : path + "." + part;
        if (result.hasPathOrNull(path) && result.getIsNull(path)) {
          result = result.withoutPath(path);
        }
      }
    }
    return result;
  }

  /** The known key closest to a misspelt one, if one is close enough to be what was meant. */
  private String suggest(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String squashed = squash(unknown);
    for (String known : keys) {
      int d = squash(known).equals(squashed) ? 0 : levenshtein(unknown.toLowerCase(), known);
      if (d < bestDistance || (d == bestDistance && known.compareTo(best) < 0)) {
        best = known;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, unknown.length() / 5) ? best : null;
  }

  /** "webport" and "web.port" are the same key to someone typing it. */
  private static String squash(String s) {
    return s.toLowerCase().replaceAll("[^a-z0-9]", "");
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
