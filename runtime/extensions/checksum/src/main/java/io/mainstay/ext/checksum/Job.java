package io.mainstay.ext.checksum;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A checksum job as the store keeps it (JSON in table {@code jobs}, key: its id) and the route shows it.
 * {@code epoch}: the main that last worked on it; {@code executors}: who hashed the parts of the result.
 */
public record Job(
    String id,
    String directory,
    State state,
    long epoch,
    String submittedAt,
    String completedAt,
    long files,
    long bytes,
    String checksum,
    String error,
    int partsDone,
    int partsTotal,
    List<String> executors) {

  public enum State {
    RUNNING,
    COMPLETED,
    FAILED
  }

  static final String TABLE = "jobs";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Job submitted(String id, String directory, long epoch, String at) {
    return new Job(id, directory, State.RUNNING, epoch, at, null, 0, 0, null, null, 0, 0, List.of());
  }

  Job resumedAt(long newEpoch) {
    return new Job(id, directory, State.RUNNING, newEpoch, submittedAt, null, 0, 0, null, null, 0, 0, List.of());
  }

  Job progress(int done, int total) {
    return new Job(id, directory, state, epoch, submittedAt, completedAt, files, bytes, checksum, error, done, total, executors);
  }

  Job completed(String at, long fileCount, long byteCount, String sum, List<String> by) {
    return new Job(id, directory, State.COMPLETED, epoch, submittedAt, at, fileCount, byteCount, sum, null, partsTotal, partsTotal, by);
  }

  Job failed(String at, String why) {
    return new Job(id, directory, State.FAILED, epoch, submittedAt, at, files, bytes, null, why, partsDone, partsTotal, executors);
  }

  byte[] toJson() {
    try {
      return MAPPER.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Job fromJson(byte[] json) {
    try {
      return MAPPER.readValue(json, Job.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
