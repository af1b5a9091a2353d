package io.mainstay.runtime.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;

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

  /**
   * A file that does not parse or resolve (syntax, a substitution without a value, an include that cannot be
   * read): key {@code mainstay.conf}, one line, with the line number.
   *
   * @param fileLabel the file's path, or null when the text did not come from a file
   */
  static ConfigProblem inFile(ConfigException e, String fileLabel) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    StringBuilder detail = new StringBuilder();
    if (e instanceof ConfigException.UnresolvedSubstitution) { // a subclass of Parse: test it first
      detail.append("unresolved substitution");
    } else if (e instanceof ConfigException.Parse) {
      detail.append("syntax error");
    } else if (e instanceof ConfigException.IO) {
      detail.append("cannot read");
    } else {
      detail.append("invalid configuration");
    }
    ConfigOrigin origin = e.origin();
    if (origin != null) {
      String prefix = origin.description() + ": ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
      if (origin.lineNumber() > 0) {
        detail.append(" at line ").append(origin.lineNumber());
      }
      String originFile = origin.filename();
      if (originFile != null && !originFile.equals(fileLabel)) {
        detail.append(" of ").append(originFile);
      }
    }
    // Typesafe Config calls the missing '}' of an object a "close parentheses ')'"; say what to type.
    message = message.replace("expecting a close parentheses ')'", "expecting a close brace '}'");
    detail.append(": ").append(message);
    if (fileLabel != null) {
      detail.append(" (").append(fileLabel).append(')');
    }
    return new ConfigProblem(NodeConfigLoader.FILE_NAME, detail.toString(), e);
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
