package io.mainstay.runtime.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes {@code paths.local} a writable directory, at start-up before any port is bound (reading the
 * configuration touches no file): a directory the node cannot write to is a bad configuration too.
 */
public final class LocalPath {

  private static final String KEY = NodeConfigLoader.PATHS_LOCAL;

  private LocalPath() {}

  /** Creates {@code dir} if missing and proves it writable with a file created and deleted again. */
  public static void prepare(Path dir) throws ConfigProblem {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new ConfigProblem(KEY, dir + " exists but is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException | SecurityException e) {
      throw new ConfigProblem(KEY, "cannot create directory " + dir + ": " + describe(e), e);
    }
    try {
      Files.delete(Files.createTempFile(dir, ".mainstay-write-check-", ".tmp"));
    } catch (IOException | SecurityException e) {
      throw new ConfigProblem(KEY, "directory " + dir + " is not writable: " + describe(e), e);
    }
  }

  private static String describe(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "a file is in the way at " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
