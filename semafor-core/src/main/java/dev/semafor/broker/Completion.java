package dev.semafor.broker;

/** A successful attempt: the lease it ran under and its JSON result ({@code null} for none). */
public record Completion(LeaseRef lease, String result) {}
