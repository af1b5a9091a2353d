package io.mainstay.sql.exchange;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's end of the exchange: an Arrow Flight server that takes each fragment's result as a
 * {@code DoPut} stream and hands it to the inbox of its job. A stream for a job this coordinator does not run
 * (finished, canceled, or from before a restart) is refused, and the executor reports the failure.
 */
public final class ExchangeServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ExchangeServer.class);

  private final BufferAllocator allocator;
  private final Map<String, ExchangeInbox> inboxes = new ConcurrentHashMap<>();
  private final FlightServer server;
  private final ExchangeAddress address;

  /**
   * @param bindHost the interface to listen on
   * @param advertisedHost the address executors connect to
   * @param port 0: any free port
   */
  public ExchangeServer(BufferAllocator allocator, String bindHost, String advertisedHost, int port) throws IOException {
    this.allocator = allocator;
    this.server = FlightServer.builder(allocator, Location.forGrpcInsecure(bindHost, port), new Producer()).build();
    server.start();
    this.address = new ExchangeAddress(advertisedHost, server.getPort());
  }

  public ExchangeAddress address() {
    return address;
  }

  public void open(String job, ExchangeInbox inbox) {
    inboxes.put(job, inbox);
  }

  public void close(String job) {
    inboxes.remove(job);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    // streams still coming in from executors are cut: their fragments are failed or repeated anyway
    if (!server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
      server.close();
    }
  }

  private final class Producer extends NoOpFlightProducer {
    @Override
    public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
      return () -> {
        ExchangeKey key;
        try {
          key = ExchangeKey.of(stream.getDescriptor());
        } catch (RuntimeException e) {
          ack.onError(CallStatus.INVALID_ARGUMENT.withDescription(e.getMessage()).toRuntimeException());
          return;
        }
        ExchangeInbox inbox = inboxes.get(key.job());
        if (inbox == null) {
          ack.onError(CallStatus.NOT_FOUND.withDescription("job " + key.job() + " is not running on this coordinator")
              .toRuntimeException());
          return;
        }
        try (FlightStreamReader reader = new FlightStreamReader(stream, allocator)) {
          inbox.accept(key, reader);
          ack.onCompleted();
        } catch (Exception e) {
          log.debug("the result of {} was not taken", key, e);
          ack.onError(CallStatus.INTERNAL.withDescription("the coordinator could not store " + key.table() + ": "
              + e.getMessage()).withCause(e).toRuntimeException());
        }
      };
    }
  }
}
