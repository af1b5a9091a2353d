package io.mainstay.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.Await;
import io.mainstay.testkit.cluster.AcknowledgedWrites;
import io.mainstay.testkit.cluster.CatalogWriter;
import io.mainstay.testkit.cluster.Incarnation;
import io.mainstay.testkit.cluster.LocalCluster;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.node.Ping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What must hold after every fault:
 * <ol>
 *   <li>at most one main per epoch, and epochs only grow: from the store's history on the final
 *       main ({@code GET /api/v1/epochs}) and from every node's log ("-> main" lines);
 *   <li>every acknowledged write is readable from the final main with its version and document; a
 *       refused or timed-out write is absent or present whole;
 *   <li>every live executor is registered with the final main at its epoch, and no other is;
 *   <li>every process the test ended has ended the way it should (killed, or exited with the
 *       expected code), and every other process still runs.
 * </ol>
 */
final class Invariants {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** NodeSupervisor's role change line: "node X epoch N: a -> main: why". */
  private static final Pattern MAIN_CLAIM =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*node (\\S+) epoch (\\d+): (\\S+) -> main: ");
  private static final int READERS = 4;

  private Invariants() {}

  record Term(long epoch, String node, Instant since, Instant until) {}

  record Claim(String node, long epoch, String from, LocalTime at, Path log) {}

  /** Checks the four invariants on {@code cluster} and the clusters that share its store. */
  static void check(LocalCluster cluster, CatalogWriter writer, LocalCluster... sharingTheStore) {
    MainstayNodeProcess main = awaitOneMainAndItsStandbys(cluster);
    long epoch = main.ping().epoch();
    List<LocalCluster> all = Stream.concat(Stream.of(cluster), Stream.of(sharingTheStore)).toList();

    Map<Long, Term> history = checkEpochHistory(main, epoch, all);
    int claims = checkLogClaims(all, history);
    if (writer != null) {
      checkWrites(main, writer, history);
    }
    cluster.awaitExecutorsRegistered(main);
    checkProcesses(all);
    System.out.printf("invariants hold: main %s at epoch %d, %d terms, %d \"-> main\" log lines, %d acknowledged writes,"
        + " %d refused/timed out%n", main.name(), epoch, history.size(), claims, writer == null ? 0 : writer.writes().acks().size(),
        writer == null ? 0 : writer.writes().misses().size());
  }

  // ------------------------------------------------------------------ one main

  /** Exactly one live coordinator answers 200 main; every other one is a standby naming it (not locking, not fenced). */
  static MainstayNodeProcess awaitOneMainAndItsStandbys(LocalCluster cluster) {
    MainstayNodeProcess main = cluster.main();
    Await.until("every other live coordinator a standby naming " + main.name(), Await.GENEROUS, () -> {
      for (MainstayNodeProcess other : cluster.liveCoordinators()) {
        if (other == main) {
          continue;
        }
        Ping ping = other.ping();
        if (!(ping.status() == 503 && Ping.STANDBY.equals(ping.role()) && main.webUrl().equals(ping.main()))) {
          throw new AssertionError(other.name() + " answers " + ping.status() + " " + ping.json());
        }
      }
      return cluster.currentMain() == main;
    });
    return main;
  }

  // ------------------------------------------------------------------ (1) epochs

  /** The store's audit trail, as the main serves it: one node per epoch, epochs and terms in order. */
  static Map<Long, Term> checkEpochHistory(MainstayNodeProcess main, long mainEpoch, List<LocalCluster> clusters) {
    HttpResult answer = Await.value("the epoch history from " + main.name(), Await.GENEROUS, () -> {
      HttpResult r = main.http().epochs();
      return r.status() == 200 ? r : null;
    });
    List<Term> terms = new ArrayList<>();
    for (JsonNode t : answer.json().path("epochs")) {
      JsonNode until = t.path("until");
      terms.add(new Term(t.path("epoch").asLong(-1), t.path("node").asText(""), Instant.parse(t.path("since").asText()),
          until.isNull() || until.isMissingNode() ? null : Instant.parse(until.asText())));
    }
    assertFalse(terms.isEmpty(), "no terms in the history: " + answer.body());
    Set<String> candidates = clusters.stream().flatMap(c -> c.coordinators().stream())
        .map(MainstayNodeProcess::name).collect(Collectors.toSet());
    Map<Long, Term> byEpoch = new TreeMap<>();
    Term previous = null;
    for (Term term : terms) {
      assertTrue(candidates.contains(term.node()), "term of a node that is no main candidate: " + term + " in " + terms);
      assertTrue(byEpoch.put(term.epoch(), term) == null, "epoch " + term.epoch() + " twice in " + terms);
      if (term.until() != null) {
        assertFalse(term.until().isBefore(term.since()), "a term that ends before it begins: " + term);
      }
      if (previous != null) {
        assertTrue(term.epoch() > previous.epoch(), "epochs not strictly increasing: " + previous + " then " + term);
        assertTrue(term.since().isAfter(previous.since()), "a later epoch began earlier: " + previous + " then " + term);
        if (previous.until() != null) {
          assertFalse(term.since().isBefore(previous.until()), "terms overlap: " + previous + " and " + term);
        }
      }
      previous = term;
    }
    Term last = terms.get(terms.size() - 1);
    assertEquals(mainEpoch, last.epoch(), "the main's epoch is the newest in the history " + terms);
    assertEquals(main.name(), last.node(), "the newest term is the main's: " + terms);
    assertEquals(null, last.until(), "the running main's term has not ended: " + last);
    return byEpoch;
  }

  /**
   * Every "-> main" line in every node's log (all incarnations): no two nodes claim one epoch, a node's
   * claims only grow, epochs first claimed later are higher, and every claim is in the store's history.
   */
  static int checkLogClaims(List<LocalCluster> clusters, Map<Long, Term> history) {
    List<Claim> claims = new ArrayList<>();
    Set<Path> logs = new HashSet<>();
    clusters.forEach(c -> c.allNodes().forEach(n -> logs.add(n.home().resolve("node.log"))));
    for (Path log : logs) {
      List<Claim> own = claimsIn(log);
      for (int i = 1; i < own.size(); i++) {
        assertTrue(own.get(i).epoch() >= own.get(i - 1).epoch(),
            "epochs went down in " + log + ": " + own.get(i - 1) + " then " + own.get(i));
      }
      claims.addAll(own);
    }
    Map<Long, Set<String>> claimants = new HashMap<>();
    claims.forEach(c -> claimants.computeIfAbsent(c.epoch(), e -> new HashSet<>()).add(c.node()));
    claimants.forEach((e, nodes) -> assertEquals(1, nodes.size(), "epoch " + e + " claimed as main by " + nodes));
    for (Claim claim : claims) {
      Term term = history.get(claim.epoch());
      assertTrue(term != null && term.node().equals(claim.node()),
          "log claim " + claim + " disagrees with the store's history " + history.values());
    }
    // First claim of each epoch, in time: later means higher (skipped if the run crossed midnight).
    List<Claim> firsts = claims.stream().filter(c -> c.from().equals("opening"))
        .sorted(Comparator.comparing(Claim::at)).toList();
    boolean crossedMidnight = !firsts.isEmpty()
        && Duration.between(firsts.get(0).at(), firsts.get(firsts.size() - 1).at()).toHours() >= 12;
    for (int i = 1; i < firsts.size() && !crossedMidnight; i++) {
      assertTrue(firsts.get(i).epoch() > firsts.get(i - 1).epoch(),
          "a later main took a lower or equal epoch: " + firsts.get(i - 1) + " then " + firsts.get(i));
    }
    assertFalse(claims.isEmpty(), "no node logged becoming main");
    return claims.size();
  }

  static List<Claim> claimsIn(Path log) {
    if (!Files.exists(log)) {
      return List.of();
    }
    List<Claim> claims = new ArrayList<>();
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      lines.forEach(line -> {
        Matcher m = MAIN_CLAIM.matcher(line);
        if (m.find()) {
          claims.add(new Claim(m.group(2), Long.parseLong(m.group(3)), m.group(4), LocalTime.parse(m.group(1)), log));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return claims;
  }

  // ------------------------------------------------------------------ (2) writes

  /**
   * Acknowledged: present with version 1 (each name is written once) and exactly the document sent,
   * and acknowledged by the node the history names for the ack's epoch. Refused or timed out: absent,
   * or present whole.
   */
  static void checkWrites(MainstayNodeProcess main, CatalogWriter writer, Map<Long, Term> history) {
    Map<String, AcknowledgedWrites.Ack> acks = writer.writes().acks();
    Map<String, AcknowledgedWrites.Miss> misses = writer.writes().misses();
    for (AcknowledgedWrites.Ack ack : acks.values()) {
      assertEquals(1, ack.version(), "a fresh name acknowledged at another version: " + ack);
      Term term = history.get(ack.epoch());
      assertTrue(term != null && term.node().equals(ack.node()),
          "write acknowledged by " + ack.node() + " at epoch " + ack.epoch() + ", whose term is " + term);
    }
    List<String> problems = new ArrayList<>();
    ExecutorService readers = Executors.newFixedThreadPool(READERS);
    try {
      List<Future<String>> checks = new ArrayList<>();
      acks.values().forEach(ack -> checks.add(readers.submit(() -> checkAcked(main, ack))));
      misses.values().forEach(miss -> checks.add(readers.submit(() -> checkMissed(main, miss))));
      for (Future<String> check : checks) {
        String problem = check.get();
        if (problem != null) {
          problems.add(problem);
        }
      }
    } catch (Exception e) {
      throw new AssertionError("reading the catalog back failed", e);
    } finally {
      readers.shutdownNow();
    }
    if (!problems.isEmpty()) {
      fail(problems.size() + " writes not as acknowledged/refused (of " + acks.size() + " acked, " + misses.size()
          + " missed), first ones:\n" + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
    }
  }

  private static String checkAcked(MainstayNodeProcess main, AcknowledgedWrites.Ack ack) {
    HttpResult got = readBack(main, ack.name());
    if (got.status() != 200) {
      return "LOST acknowledged " + ack + ": " + got.status() + " " + got.body();
    }
    JsonNode entry = got.json();
    if (entry.path("version").asLong() < ack.version()) {
      return "acknowledged " + ack + " is back at version " + entry.path("version");
    }
    if (!entry.path("document").equals(parse(ack.document()))) {
      return "acknowledged " + ack + " has another document: " + entry.path("document");
    }
    return null;
  }

  private static String checkMissed(MainstayNodeProcess main, AcknowledgedWrites.Miss miss) {
    HttpResult got = readBack(main, miss.name());
    if (got.status() == 404) {
      return null;
    }
    if (got.status() != 200) {
      return "unreadable refused write " + miss + ": " + got.status() + " " + got.body();
    }
    JsonNode entry = got.json();
    if (entry.path("version").asLong() != 1 || !entry.path("document").equals(parse(miss.document()))) {
      return "refused write " + miss + " is present but not whole: " + entry;
    }
    return null;
  }

  /** A GET that the main answers (200 or 404); retried through brief hiccups. */
  private static HttpResult readBack(MainstayNodeProcess main, String name) {
    return Await.value("the main to answer GET " + name, Await.GENEROUS, () -> {
      HttpResult r = main.http().get(name);
      return r.status() == 200 || r.status() == 404 ? r : null;
    });
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ (3) executors: LocalCluster.awaitExecutorsRegistered

  // ------------------------------------------------------------------ (4) processes

  static void checkProcesses(List<LocalCluster> clusters) {
    List<String> problems = new ArrayList<>();
    for (LocalCluster cluster : clusters) {
      for (Incarnation i : cluster.incarnations()) {
        boolean alive = i.process().isAlive();
        Incarnation.Fate fate = i.intended();
        if (fate.killed() && alive) {
          problems.add(i + " survived kill -9");
        } else if (fate.exitCode() != null) {
          if (alive) {
            problems.add(i + " still runs; it should have exited with " + fate.exitCode());
          } else {
            int code = i.process().waitForExit(Duration.ofSeconds(5));
            if (code != fate.exitCode()) {
              problems.add(i + " exited with " + code);
            }
          }
        } else if (fate.runOn() && !alive) {
          problems.add(i + " exited on its own with code " + i.process().waitForExit(Duration.ofSeconds(5))
              + " (log: " + i.process().logFile() + ")");
        }
      }
    }
    assertTrue(problems.isEmpty(), "processes not as they should be: " + problems);
  }
}
