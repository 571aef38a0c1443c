namespace Gds.Warehouse.Retention;

/// <summary>Drops whole time partitions older than the horizon; never deletes row by row.</summary>
public interface IRetentionEnforcer
{
    /// <summary>Drops every partition that holds only samples older than <paramref name="horizon"/>; returns their days.</summary>
    Task<IReadOnlyList<DateOnly>> DropOlderThanAsync(DateTimeOffset horizon, CancellationToken ct);
}
