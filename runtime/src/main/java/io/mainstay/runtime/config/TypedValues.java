package io.mainstay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.function.Function;

/**
 * Typed reads of the node's settings (the file over the defaults). Typesafe Config converts and
 * type-checks ({@code "9050"} is a number, {@code yes} is true, {@code "15s"} a duration); a value it
 * cannot convert becomes a {@link ConfigProblem} naming the key, with the file's line.
 */
final class TypedValues {

  private final Config settings;
  private final Config file;

  /**
   * @param settings resolved, every key present (the file over the defaults)
   * @param file     the operator's file alone: only its values have a line worth naming
   */
  TypedValues(Config settings, Config file) {
    this.settings = settings;
    this.file = file;
  }

  boolean bool(String key) throws ConfigProblem {
    return read(key, "true or false", settings::getBoolean);
  }

  String string(String key) throws ConfigProblem {
    return read(key, "a string", settings::getString);
  }

  java.util.List<String> strings(String key) throws ConfigProblem {
    return read(key, "a list of strings", settings::getStringList);
  }

  /** A number is bytes; a string takes Typesafe Config's units ("512 MiB", "2G"). */
  long bytes(String key) throws ConfigProblem {
    return read(key, "bytes (e.g. 1073741824) or a size (e.g. \"1 GiB\")", settings::getBytes);
  }

  /** A number is milliseconds. */
  Duration duration(String key) throws ConfigProblem {
    return read(key, "milliseconds (e.g. 10000) or a duration (e.g. \"10s\")", settings::getDuration);
  }

  /** Typesafe Config's getLong would drop a fraction without a word; "1.5 slots" is a mistake to report. */
  long whole(String key) throws ConfigProblem {
    Number n = read(key, "a number", settings::getNumber);
    if (n.doubleValue() != n.longValue()) {
      throw wrongType(key, "a whole number", null);
    }
    return n.longValue();
  }

  /** {@code " (line N)"} when the key is set in the file, else nothing (a default has no line to fix). */
  String where(String key) {
    return file.hasPath(key) ? ValueText.where(file.getValue(key)) : "";
  }

  private <T> T read(String key, String expected, Function<String, T> getter) throws ConfigProblem {
    try {
      return getter.apply(key);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw wrongType(key, expected, e);
    }
  }

  private ConfigProblem wrongType(String key, String expected, ConfigException cause) {
    return new ConfigProblem(key,
        "expected " + expected + ", got " + ValueText.describe(settings.getValue(key)) + where(key), cause);
  }
}
