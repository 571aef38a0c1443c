using System.Text;

namespace Gds.Contracts.Metrics.Catalog;

/// <summary>docs/metrics.md, written from the catalogue so the reference cannot drift from what collectors emit.</summary>
public static class MetricCatalogMarkdown
{
    public const string RegenerateCommand = "./gds metrics --format markdown > docs/metrics.md";

    /// <summary>The heading of each database type's section, collector metrics first.</summary>
    public static readonly IReadOnlyList<(string DatabaseType, string Title)> Sections =
    [
        (MetricDefinition.AnyDatabase, "Every target (the collector's own)"),
        (DatabaseTypes.PostgreSql, "PostgreSQL (`postgresql`)"),
        (DatabaseTypes.MongoDb, "MongoDB (`mongodb`)"),
        (DatabaseTypes.SqlServer, "SQL Server (`mssql`)"),
        (DatabaseTypes.Snowflake, "Snowflake (`snowflake`)"),
        (DatabaseTypes.Pipeline, "The pipeline itself (`gds`: each gds process's self-report, docs/observability.md)"),
    ];

    public static string Render()
    {
        var sb = new StringBuilder();
        sb.Append("# Metrics\n\n");
        sb.Append("<!-- Generated from the metric catalogue (src/Gds.Contracts/Metrics/Catalog/): do not edit by hand; run\n");
        sb.Append("     ").Append(RegenerateCommand).Append(" -->\n\n");
        sb.Append("Every metric a collector emits, declared once in the metric catalogue (`MetricCatalog`): collectors publish\n");
        sb.Append("through it and `gds rules validate` checks rule selectors against it. `./gds metrics` prints the same as a table.\n\n");
        sb.Append("- **kind**: a *gauge* is a reading at the scrape's moment; a *counter* (`_total`) is the running total the database\n");
        sb.Append("  keeps since a start or reset, published raw: rates are the topology's job (`rate: true`), and a counter that goes\n");
        sb.Append("  down has been reset.\n");
        sb.Append("- **labels**: the reading's own labels. With `instance_id` and the metric name they identify a series: a metric\n");
        sb.Append("  with a `database` label has one series per database. Every reading of a metric carries exactly these labels.\n");
        sb.Append("  Target tags (`environment`, `region`, ...) describe the instance and never split a series.\n");
        sb.Append("- Where a reading exists per database, standby, slot, ..., an instance-level aggregate without the label exists too\n");
        sb.Append("  (a sum, or the worst value): use it when it does not matter which one.\n");
        foreach (var (type, title) in Sections)
        {
            var metrics = MetricCatalog.All.Where(m => m.DatabaseType == type).ToList();
            sb.Append("\n## ").Append(title).Append("\n\n");
            sb.Append(metrics.Count).Append(" metrics.\n\n");
            sb.Append("| metric | kind | unit | labels | help |\n");
            sb.Append("|---|---|---|---|---|\n");
            foreach (var m in metrics)
            {
                sb.Append("| `").Append(m.Name).Append("` | ").Append(KindName(m.Kind)).Append(" | ").Append(m.Unit).Append(" | ")
                  .Append(string.Join(", ", m.Labels.Select(l => "`" + l + "`"))).Append(" | ").Append(Cell(m.Help)).Append(" |\n");
            }
        }
        return sb.ToString();
    }

    public static string KindName(MetricKind kind) => kind == MetricKind.Counter ? "counter" : "gauge";

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
