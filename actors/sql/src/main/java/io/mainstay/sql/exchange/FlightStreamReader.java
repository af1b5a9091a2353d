package io.mainstay.sql.exchange;

import java.io.IOException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A Flight stream seen as an {@link ArrowReader}, the shape DuckDB imports through the C data interface: each
 * batch is moved from the stream's root into the reader's own, so DuckDB pulls batches (and gRPC's flow
 * control holds the sender back) as fast as it appends them, never the whole stream at once.
 */
final class FlightStreamReader extends ArrowReader {

  private final FlightStream stream;

  FlightStreamReader(FlightStream stream, BufferAllocator allocator) {
    super(allocator);
    this.stream = stream;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    if (!stream.next()) {
      return false;
    }
    try (ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch()) {
      loadRecordBatch(batch);
    }
    return true;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {
    // the stream belongs to the Flight call, which closes it
  }

  @Override
  protected Schema readSchema() {
    return stream.getSchema();
  }
}
