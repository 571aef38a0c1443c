namespace Gds.Warehouse.Loading;

/// <summary>How often a failed load is retried before the importer gives up (its offsets stay uncommitted).</summary>
public sealed class LoadRetryOptions
{
    public int MaxAttempts { get; set; } = 5;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
