namespace Gds.Warehouse.Loading;

/// <summary>When a batch is closed and loaded: whichever of size and age comes first.</summary>
public sealed class BatchOptions
{
    /// <summary>Rows per load. Larger batches amortise the merge; each costs memory (about 100 bytes a row).</summary>
    public int MaxRows { get; set; } = 50_000;

    /// <summary>How long the first sample of a batch may wait for the batch to fill before it is loaded anyway.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);
}
