namespace Gds.Warehouse.Schema;

/// <summary>Where migrations run: one implementation per warehouse.</summary>
public interface IMigrationTarget
{
    /// <summary>Serialises concurrent migrators (two importers started with --init at once).</summary>
    Task<IAsyncDisposable> LockAsync(CancellationToken ct);

    Task EnsureHistoryAsync(CancellationToken ct);

    Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(CancellationToken ct);

    /// <summary>Runs the migration's statements and records it in the history, atomically where the warehouse can.</summary>
    Task ApplyAsync(Migration migration, CancellationToken ct);
}
