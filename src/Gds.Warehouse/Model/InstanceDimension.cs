namespace Gds.Warehouse.Model;

/// <summary>A row of the instance dimension: one monitored database instance and its latest tags.</summary>
public sealed record InstanceDimension(
    long Key,
    string InstanceId,
    string DatabaseType,
    string Environment,
    string? Region,
    IReadOnlyDictionary<string, string> Tags);
