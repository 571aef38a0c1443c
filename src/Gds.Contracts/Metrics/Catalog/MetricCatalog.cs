using System.Reflection;
using Gds.Contracts.Text;

namespace Gds.Contracts.Metrics.Catalog;

/// <summary>
/// Every metric a collector can emit, and the gds processes' own (<see cref="PipelineMetrics"/>): the public static <see cref="MetricDefinition"/> fields of the per-database
/// classes (<see cref="CollectorMetrics"/>, PostgreSqlMetrics, ...). Read by reflection once, so adding a metric is
/// one line in one place.
/// </summary>
public static class MetricCatalog
{
    private static readonly Type[] Sources = [typeof(CollectorMetrics), typeof(PostgreSqlMetrics), typeof(MongoDbMetrics), typeof(SqlServerMetrics), typeof(SnowflakeMetrics), typeof(PipelineMetrics)];

    private static readonly Lazy<Index> Metrics = new(Build);

    /// <summary>Ordered by database type (collector metrics first), then by name.</summary>
    public static IReadOnlyList<MetricDefinition> All => Metrics.Value.Ordered;

    public static bool TryGet(string name, out MetricDefinition definition) => Metrics.Value.ByName.TryGetValue(name, out definition!);

    public static bool Contains(string name) => Metrics.Value.ByName.ContainsKey(name);

    /// <summary>The metrics a target of this database type can emit: its own and the collector's.</summary>
    public static IEnumerable<MetricDefinition> For(string databaseType) =>
        All.Where(m => m.DatabaseType == databaseType || m.DatabaseType == MetricDefinition.AnyDatabase);

    /// <summary>
    /// The catalogue name closest to a misspelt one (for "did you mean"), or null. A name cut short of its unit
    /// (snowflake_warehouse_queued_load for ..._queued_load_queries) is too many edits away, so it gets the shortest
    /// name it begins.
    /// </summary>
    public static string? Closest(string name) =>
        Suggestions.Closest(name, Metrics.Value.ByName.Keys, Math.Max(2, name.Length / 5))
        ?? Metrics.Value.Ordered.Select(d => d.Name).Where(n => n.StartsWith(name + "_", StringComparison.Ordinal))
            .OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();

    private static Index Build()
    {
        var list = new List<MetricDefinition>();
        foreach (var type in Sources)
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                if (field.GetValue(null) is MetricDefinition d) list.Add(d);
        var byName = new Dictionary<string, MetricDefinition>(StringComparer.Ordinal);
        foreach (var d in list)
            if (!byName.TryAdd(d.Name, d))
                throw new InvalidOperationException($"metric catalogue: {d.Name} is declared twice");
        var order = new[] { MetricDefinition.AnyDatabase }.Concat(DatabaseTypes.All).Append(DatabaseTypes.Pipeline).ToList();
        var ordered = list.OrderBy(d => order.IndexOf(d.DatabaseType)).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        return new Index(ordered, byName);
    }

    private sealed record Index(IReadOnlyList<MetricDefinition> Ordered, IReadOnlyDictionary<string, MetricDefinition> ByName);
}
