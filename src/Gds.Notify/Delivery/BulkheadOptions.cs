namespace Gds.Notify.Delivery;

/// <summary>
/// Isolation between routes (routing keys): each route has its own concurrency and its own queue, so a route whose
/// deliveries are slow fills only its own share and never holds up another.
/// </summary>
public sealed class BulkheadOptions
{
    /// <summary>Concurrent POSTs per route.</summary>
    public int MaxConcurrencyPerRoute { get; set; } = 64;

    /// <summary>Events of one route read but unfinished; beyond it the partitions that bring more of that route pause.</summary>
    public int MaxQueuedPerRoute { get; set; } = 2_000;
}
