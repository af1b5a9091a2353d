package io.mainstay.runtime.config;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;

/** How a value of {@code mainstay.conf} reads in a one-line problem or warning: its type, its text, its line. */
final class ValueText {

  private ValueText() {}

  /** e.g. {@code STRING 'abc'}; long values are cut, so the problem stays one short line. */
  static String describe(ConfigValue value) {
    String rendered = switch (value.valueType()) {
      case STRING -> String.valueOf(value.unwrapped());
      case NULL -> "null";
      default -> value.render(ConfigRenderOptions.concise());
    };
    rendered = ConfigProblem.oneLine(rendered);
    if (rendered.length() > 60) {
      rendered = rendered.substring(0, 57) + "...";
    }
    return value.valueType() + " '" + rendered + "'";
  }

  /** The line of the file the value was read from, or -1 when it has none. */
  static int line(ConfigValue value) {
    return value.origin() == null ? -1 : value.origin().lineNumber();
  }

  /** {@code " (line N)"}, or nothing when the value has no line. */
  static String where(ConfigValue value) {
    int line = line(value);
    return line > 0 ? " (line " + line + ")" : "";
  }
}
