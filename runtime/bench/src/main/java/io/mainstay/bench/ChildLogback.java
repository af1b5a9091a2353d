package io.mainstay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A console-only logback configuration for the JVMs a benchmark starts (their console is their log file),
 * at the levels of the shipped {@code conf/logback.xml}: without one logback logs everything at DEBUG, and a
 * node would spend its time writing Calcite's plans and every gRPC frame.
 */
final class ChildLogback {

  private ChildLogback() {}

  /** Writes {@code dir/name}, with {@code infoLoggers} at INFO besides the shipped ones; answers the file. */
  static Path write(Path dir, String name, List<String> infoLoggers) throws IOException {
    StringBuilder xml = new StringBuilder();
    xml.append("<configuration>\n");
    xml.append("  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">\n");
    xml.append("    <encoder><pattern>").append(Timeline.LOG_PATTERN).append("</pattern></encoder>\n");
    xml.append("  </appender>\n");
    xml.append("  <logger name=\"io.mainstay\" level=\"INFO\"/>\n");
    xml.append("  <logger name=\"org.apache.zookeeper\" level=\"WARN\"/>\n");
    xml.append("  <logger name=\"org.apache.curator\" level=\"WARN\"/>\n");
    xml.append("  <logger name=\"org.apache.pekko\" level=\"WARN\"/>\n");
    xml.append("  <logger name=\"org.apache.pekko.cluster.Cluster\" level=\"INFO\"/>\n");
    xml.append("  <logger name=\"org.apache.pekko.cluster.sbr\" level=\"INFO\"/>\n");
    xml.append("  <logger name=\"io.netty\" level=\"WARN\"/>\n");
    for (String logger : infoLoggers) {
      xml.append("  <logger name=\"").append(logger).append("\" level=\"INFO\"/>\n");
    }
    xml.append("  <root level=\"INFO\"><appender-ref ref=\"CONSOLE\"/></root>\n");
    xml.append("</configuration>\n");
    Path file = dir.resolve(name);
    Files.writeString(file, xml, StandardCharsets.UTF_8);
    return file;
  }

  /** The JVM option that points a child at {@code file}. */
  static String option(Path file) {
    return "-Dlogback.configurationFile=" + file.toAbsolutePath();
  }
}
