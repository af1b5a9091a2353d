package io.mainstay.sql.exchange;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * An executor's end of the exchange: streams a fragment's result to its coordinator with {@code DoPut},
 * batch by batch, waiting whenever gRPC's flow control says the coordinator has not taken the last ones yet
 * (so a slow coordinator slows the fragment down instead of filling this heap). One client per coordinator.
 */
public final class ExchangeSender implements AutoCloseable {

  private static final long WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final BufferAllocator allocator;
  private final Map<ExchangeAddress, FlightClient> clients = new ConcurrentHashMap<>();

  public ExchangeSender(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /**
   * Sends every batch of {@code rows} and waits until the coordinator stored them.
   *
   * @param canceled polled between batches; true ends the stream with an error
   * @return the rows sent
   */
  public long send(ExchangeAddress to, ExchangeKey key, ArrowReader rows, BooleanSupplier canceled) throws Exception {
    FlightClient client = clients.computeIfAbsent(to, a -> FlightClient.builder(allocator,
        Location.forGrpcInsecure(a.host(), a.port())).build());
    Ending ending = new Ending();
    FlightClient.ClientStreamListener put = client.startPut(key.descriptor(), rows.getVectorSchemaRoot(), ending);
    long sent = 0;
    try {
      while (rows.loadNextBatch()) {
        while (!put.isReady()) {
          if (ending.ended) {
            put.getResult(); // the coordinator refused the stream: throws its error
            throw new IllegalStateException("the coordinator ended the stream of " + key.table() + " early");
          }
          if (canceled.getAsBoolean()) {
            throw new InterruptedException("canceled");
          }
          // Flight's ready callback can only be set before the call starts, which startPut already did
          LockSupport.parkNanos(WAIT_NANOS);
        }
        if (canceled.getAsBoolean()) {
          throw new InterruptedException("canceled");
        }
        put.putNext();
        sent += rows.getVectorSchemaRoot().getRowCount();
      }
    } catch (Exception e) {
      put.error(e);
      throw e;
    }
    put.completed();
    put.getResult();
    return sent;
  }

  /** Tells the sending loop when the call ended, which a refused stream does before it is ever ready. */
  private static final class Ending implements FlightClient.PutListener {
    private final CompletableFuture<Void> result = new CompletableFuture<>();
    volatile boolean ended;

    @Override
    public void onNext(PutResult ack) {
      ack.close();
    }

    @Override
    public void onError(Throwable t) {
      ended = true;
      result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      ended = true;
      result.complete(null);
    }

    @Override
    public void getResult() {
      try {
        result.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (FlightClient client : clients.values()) {
      client.close();
    }
  }
}
