package io.mainstay.sql.jobs;

import io.mainstay.sql.datasets.Dataset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts a dataset's files into splits of about equal bytes, at most one per slot of the cluster (more would
 * only queue) and never more than files: the largest file goes to the lightest split, in turn.
 */
final class Splits {

  private Splits() {}

  static List<List<Dataset.DataFile>> of(List<Dataset.DataFile> files, int slots) {
    int n = Math.max(1, Math.min(files.size(), slots));
    List<List<Dataset.DataFile>> splits = new ArrayList<>();
    long[] bytes = new long[n];
    for (int i = 0; i < n; i++) {
      splits.add(new ArrayList<>());
    }
    List<Dataset.DataFile> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(Dataset.DataFile::size).reversed().thenComparing(Dataset.DataFile::path));
    for (Dataset.DataFile file : bySize) {
      int lightest = 0;
      for (int i = 1; i < n; i++) {
        if (bytes[i] < bytes[lightest]) {
          lightest = i;
        }
      }
      splits.get(lightest).add(file);
      bytes[lightest] += file.size();
    }
    return splits;
  }
}
