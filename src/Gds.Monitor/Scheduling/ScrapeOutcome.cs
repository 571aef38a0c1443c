namespace Gds.Monitor.Scheduling;

/// <summary>What one scrape of one target came to.</summary>
public sealed record ScrapeOutcome(string TargetId, bool Up, TimeSpan Duration, int Published, int Rejected, string? Error, string CorrelationId);
