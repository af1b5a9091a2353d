package io.mainstay.runtime.config;

/**
 * A configuration the node refuses to start with.
 *
 * <p>{@link #getMessage()} is always one line of the form {@code "<key>: <what is wrong>"}, meant to be
 * printed as is to an operator; {@link #key()} names the offending configuration key (or
 * {@code mainstay.conf} for problems with the file itself).
 */
public final class ConfigProblem extends Exception {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final String detail;

  public ConfigProblem(String key, String detail) {
    this(key, detail, null);
  }

  public ConfigProblem(String key, String detail, Throwable cause) {
    super(oneLine(key) + ": " + oneLine(detail), cause);
    this.key = oneLine(key);
    this.detail = oneLine(detail);
  }

  /** The configuration key at fault, e.g. {@code services.coordinator.web.port}. */
  public String key() {
    return key;
  }

  /** What is wrong, without the key prefix. */
  public String detail() {
    return detail;
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
