package io.mainstay.sql.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FairSlotsTest {

  @Test
  void aFreeSlotGoesToTheJobRunningFewestThenToTheOneServedLongestAgo() throws Exception {
    FairSlots slots = new FairSlots(1, "test-slot");
    try {
      List<String> order = new CopyOnWriteArrayList<>();
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch all = new CountDownLatch(6);
      slots.submit("big", () -> {
        order.add("big-1");
        started.countDown();
        await(release);
        all.countDown();
      });
      assertTrue(started.await(30, TimeUnit.SECONDS));
      for (int i = 2; i <= 4; i++) {
        String name = "big-" + i;
        slots.submit("big", () -> {
          order.add(name);
          all.countDown();
        });
      }
      for (int i = 1; i <= 2; i++) {
        String name = "small-" + i;
        slots.submit("small", () -> {
          order.add(name);
          all.countDown();
        });
      }
      release.countDown();
      assertTrue(all.await(30, TimeUnit.SECONDS));
      assertEquals(List.of("big-1", "small-1", "big-2", "small-2", "big-3", "big-4"), order);
    } finally {
      slots.shutdown();
    }
  }

  @Test
  void shutdownAnswersTheFragmentsThatNeverGotASlot() throws Exception {
    FairSlots slots = new FairSlots(1, "test-slot");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    slots.submit("a", () -> {
      started.countDown();
      await(release);
    });
    assertTrue(started.await(30, TimeUnit.SECONDS));
    Runnable waiting = () -> { };
    slots.submit("b", waiting);
    List<Runnable> unrun = slots.shutdown();
    release.countDown();
    assertEquals(List.of(waiting), unrun);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
