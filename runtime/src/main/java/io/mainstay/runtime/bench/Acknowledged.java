package io.mainstay.runtime.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Every catalog write a main acknowledged with 200: name -> version, checked against the final main at the end. */
final class Acknowledged {

  private final Map<String, Long> versions = new ConcurrentHashMap<>();

  void record(String name, long version) {
    versions.merge(name, version, Math::max);
  }

  int size() {
    return versions.size();
  }

  /** The acknowledged writes missing from {@code stored} or stored at an older version, as "name v3 (found v2)". */
  List<String> lostIn(Map<String, Long> stored) {
    List<String> lost = new ArrayList<>();
    new TreeMap<>(versions).forEach((name, version) -> {
      Long found = stored.get(name);
      if (found == null || found < version) {
        lost.add(name + " v" + version + (found == null ? " (missing)" : " (found v" + found + ")"));
      }
    });
    return lost;
  }
}
