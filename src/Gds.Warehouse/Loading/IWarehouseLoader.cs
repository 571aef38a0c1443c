namespace Gds.Warehouse.Loading;

/// <summary>
/// Writes a batch idempotently: loading the same batch twice leaves the warehouse as after one load, which is
/// what lets the importer commit offsets after the load and still survive a crash in between.
/// </summary>
public interface IWarehouseLoader : IAsyncDisposable
{
    Task<LoadResult> LoadAsync(ImportBatch batch, CancellationToken ct);
}

/// <summary>Rows the load inserted, and rows it skipped because the warehouse already had them.</summary>
public readonly record struct LoadResult(long Inserted, long Duplicates);
