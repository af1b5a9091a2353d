package io.mainstay.ext.checksum;

/** One file's digest: {@code path} relative to the job's directory, {@code sha256} in lower-case hex. */
public record FileSum(String path, long size, String sha256) {}
