using System.Text.RegularExpressions;
using Gds.Contracts.Metrics.Catalog;

namespace Gds.Contracts.Tests;

public class MetricCatalogTests
{
    [Fact]
    public void Every_metric_is_named_and_described_by_the_house_rules()
    {
        Assert.True(MetricCatalog.All.Count > 200);
        Assert.All(MetricCatalog.All, m =>
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", m.Name);
            Assert.True(m.DatabaseType is MetricDefinition.AnyDatabase or DatabaseTypes.Pipeline || DatabaseTypes.IsKnown(m.DatabaseType), m.Name);
            var prefix = m.DatabaseType switch
            {
                MetricDefinition.AnyDatabase => "gds_collector_",
                DatabaseTypes.PostgreSql => "pg_",
                DatabaseTypes.SqlServer => "mssql_",
                DatabaseTypes.Pipeline => "gds_",
                _ => m.DatabaseType + "_",
            };
            Assert.StartsWith(prefix, m.Name);
            // A _total is a running total and nothing else is: a gauge named like a counter misleads every rate().
            Assert.True(m.IsCounter == m.Name.EndsWith("_total", StringComparison.Ordinal), $"{m.Name} is a {m.Kind}");
            Assert.False(string.IsNullOrWhiteSpace(m.Unit), m.Name);
            Assert.False(string.IsNullOrWhiteSpace(m.Help), m.Name);
            Assert.DoesNotContain('\n', m.Help);
            Assert.All(m.Labels, l => Assert.True(SeriesLabels.IsValidName(l), $"{m.Name}: label {l}"));
            Assert.Equal(m.Labels.Count, m.Labels.Distinct().Count());
            if (m.Name.EndsWith("_seconds", StringComparison.Ordinal) || m.Name.EndsWith("_seconds_total", StringComparison.Ordinal) || m.Name.Contains("_seconds_last_", StringComparison.Ordinal))
                Assert.Equal("seconds", m.Unit);
            if (m.Name.EndsWith("_bytes", StringComparison.Ordinal) || m.Name.EndsWith("_bytes_total", StringComparison.Ordinal))
                Assert.Equal("bytes", m.Unit);
            if (m.Name.EndsWith("_ratio", StringComparison.Ordinal)) Assert.Equal("ratio", m.Unit);
        });
    }

    [Fact]
    public void Lookups_by_name_by_type_and_misspelling()
    {
        Assert.True(MetricCatalog.TryGet("pg_database_size_bytes", out var size));
        Assert.Equal("bytes", size.Unit);
        Assert.Equal(MetricKind.Gauge, size.Kind);
        Assert.Equal(["database"], size.Labels);
        Assert.False(MetricCatalog.TryGet("pg_database_size", out _));
        Assert.Equal("mongodb_replset_lag_seconds", MetricCatalog.Closest("mongodb_repl_lag_seconds"));
        Assert.Null(MetricCatalog.Closest("cpu_usage_percent"));
        Assert.All(MetricCatalog.For(DatabaseTypes.Snowflake), m => Assert.Contains(m.DatabaseType, new[] { DatabaseTypes.Snowflake, MetricDefinition.AnyDatabase }));
        Assert.Contains(MetricCatalog.For(DatabaseTypes.Snowflake), m => m.Name == "gds_collector_up");
    }

    [Fact]
    public void Docs_metrics_md_is_what_the_catalogue_generates()
    {
        var path = Path.Combine(RepoRoot(), "docs", "metrics.md");
        var expected = MetricCatalogMarkdown.Render();
        var actual = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(expected == actual,
            $"docs/metrics.md is not what the metric catalogue generates (a metric was added, renamed or reworded). Regenerate it from the repository root with:\n    {MetricCatalogMarkdown.RegenerateCommand}\nfirst difference at line {FirstDifferentLine(expected, actual)}");
    }

    [Fact]
    public void The_markdown_has_one_table_per_database_type_with_a_row_per_metric()
    {
        var md = MetricCatalogMarkdown.Render();
        foreach (var (_, title) in MetricCatalogMarkdown.Sections) Assert.Contains("\n## " + title + "\n", md);
        Assert.Contains("| `pg_database_size_bytes` | gauge | bytes | `database` | Disk space the database uses (pg_database_size) |", md);
        Assert.Contains("| `mssql_ag_replica_healthy` | gauge | boolean | `availability_group`, `replica` |", md);
        var rows = Regex.Matches(md, "^\\| `[a-z0-9_]+` \\|", RegexOptions.Multiline).Count;
        Assert.Equal(MetricCatalog.All.Count, rows);
    }

    private static int FirstDifferentLine(string a, string b)
    {
        var (x, y) = (a.Split('\n'), b.Split('\n'));
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++) if (x[i] != y[i]) return i + 1;
        return Math.Min(x.Length, y.Length) + 1;
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GdsStreams.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("GdsStreams.sln not found above " + AppContext.BaseDirectory);
    }
}
