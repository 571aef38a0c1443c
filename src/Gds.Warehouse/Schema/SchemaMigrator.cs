namespace Gds.Warehouse.Schema;

/// <summary>Brings a warehouse to the latest schema version, or checks that it is there.</summary>
public sealed class SchemaMigrator(IMigrationTarget target, IReadOnlyList<Migration> migrations, ILogger logger)
{
    public int LatestVersion => migrations.Count == 0 ? 0 : migrations.Max(m => m.Version);

    /// <summary>Applies the pending migrations in order; returns how many ran (0 when the schema was current).</summary>
    public async Task<int> MigrateAsync(CancellationToken ct)
    {
        await using var _ = await target.LockAsync(ct);
        await target.EnsureHistoryAsync(ct);
        var pending = Plan(await target.ReadAppliedAsync(ct));
        foreach (var m in pending)
        {
            logger.LogInformation("Applying warehouse migration {Version} ({Name})", m.Version, m.Name);
            await target.ApplyAsync(m, ct);
        }
        if (pending.Count == 0)
            logger.LogInformation("Warehouse schema is at version {Version}; nothing to apply", LatestVersion);
        else
            logger.LogInformation("Warehouse schema migrated to version {Version} ({Count} migrations applied)", LatestVersion, pending.Count);
        return pending.Count;
    }

    /// <summary>Fails with a message saying what to do when the warehouse is not at the version this importer writes.</summary>
    public async Task VerifyAsync(CancellationToken ct)
    {
        IReadOnlyList<AppliedMigration> applied;
        try
        {
            applied = await target.ReadAppliedAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new SchemaException($"the warehouse has no GdsStreams schema yet ({ex.Message}); run once with --init", ex);
        }
        var pending = Plan(applied);
        if (pending.Count > 0)
            throw new SchemaException(
                $"the warehouse schema is at version {(applied.Count == 0 ? 0 : applied.Max(a => a.Version))}, this importer needs {LatestVersion}; run with --init to migrate");
    }

    private List<Migration> Plan(IReadOnlyList<AppliedMigration> applied)
    {
        var byVersion = applied.ToDictionary(a => a.Version);
        foreach (var m in migrations)
        {
            if (byVersion.TryGetValue(m.Version, out var a) && !string.Equals(a.Checksum, m.Checksum, StringComparison.OrdinalIgnoreCase))
                throw new SchemaException(
                    $"warehouse migration {m.Version} ({m.Name}) was applied with checksum {a.Checksum} but this build has {m.Checksum}: a released migration was edited; add a new migration instead");
        }
        var newest = LatestVersion;
        var unknown = applied.Where(a => a.Version > newest).Select(a => a.Version).ToList();
        if (unknown.Count > 0)
            throw new SchemaException($"the warehouse has migration {unknown.Max()} applied, newer than this importer knows ({newest}): upgrade the importer");
        return migrations.Where(m => !byVersion.ContainsKey(m.Version)).OrderBy(m => m.Version).ToList();
    }
}

/// <summary>The warehouse schema is missing, behind, ahead, or was changed under a released version.</summary>
public sealed class SchemaException(string message, Exception? inner = null) : Exception(message, inner);
