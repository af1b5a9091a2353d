package io.mainstay.sql.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A job as the store and the API hold it: JSON. */
final class JobJson {

  static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();

  private JobJson() {}

  static byte[] write(Job job) {
    try {
      return MAPPER.writeValueAsBytes(job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Job read(byte[] stored) {
    try {
      return MAPPER.readValue(stored, Job.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored job is not readable: " + e.getMessage(), e);
    }
  }
}
