package io.mainstay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mainstay.testkit.Await;
import io.mainstay.testkit.Loopback;
import io.mainstay.testkit.node.HttpResult;
import io.mainstay.testkit.node.MainstayNodeProcess;
import io.mainstay.testkit.process.ManagedProcesses;
import io.mainstay.testkit.node.NodeHttp;
import io.mainstay.testkit.node.Ping;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** What the web port of a main answers to bad input: the status the issue names, and always a JSON error. */
@ExtendWith(ManagedProcesses.Extension.class)
class HttpInputIT {

  private static final int MIB = 1 << 20;

  // Kept when a test fails, so the node's log can be read.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private static NodeHttp http;

  /** One main for every test here: they only send it requests, and each uses names of its own. */
  @BeforeAll
  static void startMain() {
    MainstayNodeProcess main = MainstayNodeProcess.builder(dir, "http-main")
        .embeddedZooKeeper(Loopback.freePort())
        .build()
        .start()
        .awaitRole(Ping.MAIN, Await.GENEROUS);
    http = main.http();
  }

  @Test
  void namesOutsideTheAllowedCharactersOrLengthAre400() {
    assertError(400, http.put("bad name!", "{}"));
    assertError(400, http.get("bad name!"));
    assertError(400, http.put("n".repeat(256), "{}"));
    assertEquals(200, http.put("n".repeat(255), "{}").status(), "the longest allowed name");
    assertEquals(200, http.put("Az09._-", "{}").status(), "every kind of allowed character");
  }

  @Test
  void bodiesThatAreNotAJsonObjectAre400() {
    assertError(400, http.put("not-json", "this is not JSON"));
    assertError(400, http.put("not-json", "{\"a\": 1} trailing"));
    assertError(400, http.put("not-json", ""));
    assertError(400, http.put("not-an-object", "[1]"));
    assertError(400, http.put("not-an-object", "\"text\""));
    assertError(404, http.get("not-json"));
    assertError(404, http.get("not-an-object"));
  }

  @Test
  void bodiesOverOneMebibyteAre413() {
    assertEquals(200, http.put("exactly-1mib", documentOf(MIB)).status(), "a body of exactly 1 MiB");
    assertError(413, http.put("too-large", documentOf(MIB + 1)));
    // Without a Content-Length the node only finds out while reading.
    assertError(413, http.putChunked("too-large", documentOf(MIB + 1)));
    // Beyond what the HTTP parser itself accepts (2 MiB): still the catalog's JSON 413.
    assertError(413, http.put("too-large", documentOf(3 * MIB)));
    assertError(404, http.get("too-large"));
  }

  @Test
  void missingAndDeletedEntriesAre404() {
    assertError(404, http.get("never-written"));
    assertError(404, http.delete("never-written"));
    assertEquals(200, http.put("deleted", "{\"a\": 1}").status());
    assertEquals(200, http.get("deleted").status());

    assertEquals(200, http.delete("deleted").status());

    assertError(404, http.get("deleted"));
  }

  @Test
  void wrongMethodsAre405AndUnknownPathsAre404() {
    assertError(405, http.request("POST", "/api/v1/catalog/some-entry", "{}"));
    assertError(405, http.request("DELETE", "/api/v1/catalog", null));
    assertError(405, http.request("PUT", "/ping", "{}"));
    assertError(404, http.request("GET", "/api/v1/no-such-thing", null));
    assertError(404, http.request("GET", "/no-such-thing", null));
    assertError(404, http.request("GET", "/api/v1/catalog/a/b", null));
  }

  @Test
  void probeParametersOutOfRangeAre400AndOtherMethods405() {
    assertError(400, http.request("POST", "/api/v1/probe?deadlineMs=0", ""));
    assertError(400, http.request("POST", "/api/v1/probe?deadlineMs=60001", ""));
    assertError(400, http.request("POST", "/api/v1/probe?deadlineMs=soon", ""));
    assertError(400, http.request("POST", "/api/v1/probe?holdMs=-1", ""));
    assertError(405, http.request("GET", "/api/v1/probe", null));
    // the executor-less main answers at once with no lines, at its epoch
    HttpResult report = http.request("POST", "/api/v1/probe?deadlineMs=2000", "");
    assertEquals(200, report.status(), report.body());
    assertEquals(0, report.json().path("executors").size(), report.body());
    // the built-ins are extensions: the same routes under /api/v1/ext/
    assertEquals(200, http.request("GET", "/api/v1/ext/catalog", null).status());
    assertError(404, http.request("GET", "/api/v1/ext/no-such-extension/x", null));
  }

  /** A JSON object of exactly {@code bytes} bytes. */
  private static String documentOf(int bytes) {
    String frame = "{\"padding\":\"\"}";
    return "{\"padding\":\"" + "x".repeat(bytes - frame.length()) + "\"}";
  }

  private static void assertError(int status, HttpResult result) {
    assertEquals(status, result.status(), result.body());
    assertTrue(result.json().path("error").isTextual(), "an error without a JSON \"error\" field: " + result.body());
  }
}
