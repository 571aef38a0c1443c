namespace Gds.Warehouse.Consuming;

/// <summary>
/// Points where a test (or an embedding host) can observe or interrupt the import. AfterLoad runs once a batch is
/// durable in the warehouse and before its offsets are committed: throwing there is exactly a crash between
/// load and commit.
/// </summary>
public sealed class ImportHooks
{
    public Func<ImportBatch, LoadResult, Task>? AfterLoad { get; init; }

    public static readonly ImportHooks None = new();
}
