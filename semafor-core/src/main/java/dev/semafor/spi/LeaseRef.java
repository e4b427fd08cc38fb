package dev.semafor.spi;

/** Names one attempt of one job: the job's id and the token its lease was issued with. */
public record LeaseRef(String jobId, String token) {}
