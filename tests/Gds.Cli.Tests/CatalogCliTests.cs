namespace Gds.Cli.Tests;

/// <summary>`gds metrics` and the catalogue warnings of `gds rules validate`.</summary>
[Collection(CliCollection.Name)]
public sealed class CatalogCliTests
{
    [Fact]
    public async Task Metrics_as_markdown_is_exactly_the_generated_reference()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("metrics", "--format", "markdown");
        Assert.Equal(0, code);
        Assert.Equal(MetricCatalogMarkdown.Render(), stdout);
    }

    [Fact]
    public async Task Metrics_as_a_table_lists_every_metric_and_an_unknown_format_is_a_usage_error()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("metrics");
        Assert.Equal(0, code);
        Assert.All(MetricCatalog.All, m => Assert.Contains(m.Name, stdout));
        var bad = await CliRunner.RunAsync("metrics", "--format", "xml");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--format: 'xml' is not one of table | markdown", bad.Err);
    }

    [Fact]
    public async Task Validate_warns_on_stderr_about_metrics_no_collector_emits_and_the_file_stays_valid()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gds-rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, """
            rules:
              - id: mongo-lag
                kind: threshold
                selector: { metric: mongodb_repl_lag_seconds, database_type: mongodb }
                op: ">"
                value: 30
              - id: pg-size
                kind: threshold
                selector: { metric: pg_database_size_bytes, database_type: postgresql }
                op: ">"
                value: 1e12
            """);
        try
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync("rules", "validate", path);
            Assert.Equal(0, code);
            Assert.Equal($"{path}: 2 rule(s) valid (2 threshold), 1 warning(s)", stdout.Trim());
            Assert.Equal($"warning: {path}:4: rule 'mongo-lag': selector.metric: 'mongodb_repl_lag_seconds' is not a metric any collector emits (did you mean 'mongodb_replset_lag_seconds'?); a custom metric is fine if your own producer publishes it",
                stderr.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
