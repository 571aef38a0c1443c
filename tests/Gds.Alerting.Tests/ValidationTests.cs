namespace Gds.Alerting.Tests;

/// <summary>Bad rule input gets an error that names the field and the line.</summary>
public sealed class ValidationTests
{
    private static IReadOnlyList<RuleFileError> Errors(string yaml) => new RuleFileReader().Read("r.yaml", yaml).Errors;

    [Theory]
    [InlineData("kind: burn_rate\n    bad_metric: e\n    total_metric: t", "objective", "is required")]
    [InlineData("kind: burn_rate\n    objective: 100\n    bad_metric: e\n    total_metric: t", "objective", "between 0 and 100")]
    [InlineData("kind: burn_rate\n    objective: 99.9\n    bad_metric: e", "total_metric", "is required")]
    [InlineData("kind: burn_rate\n    objective: 99.9", "bad_metric", "needs an SLI")]
    [InlineData("kind: burn_rate\n    objective: 99.9\n    bad_metric: e\n    total_metric: t\n    period: soon", "period", "not a positive duration")]
    [InlineData("kind: burn_rate\n    objective: 99.9\n    bad_metric: e\n    total_metric: t\n    windows:\n      - { long: 5m, short: 1h, factor: 2 }", "windows[0].short", "must be shorter than long")]
    [InlineData("kind: burn_rate\n    objective: 99.9\n    bad_metric: e\n    total_metric: t\n    windows:\n      - { long: 1h, short: 5m, factor: 0 }", "windows[0].factor", "positive")]
    [InlineData("kind: anomaly\n    selector: { metric: q }\n    direction: sideways", "direction", "up, down, both")]
    [InlineData("kind: anomaly\n    selector: { metric: q }\n    sensitivity: -1", "sensitivity", "positive")]
    [InlineData("kind: anomaly\n    selector: { metric: q }\n    sensitivity: 80", "sensitivity", "false alarms per series-week")]
    [InlineData("kind: anomaly\n    selector: { metric: q }\n    seasonality: 90m", "seasonality", "is not one of auto")]
    [InlineData("kind: anomaly\n    selector: { database_type: postgresql }", "selector.metric", "is required")]
    [InlineData("kind: absence\n    selector: { metric: q }", "timeout", "is required")]
    [InlineData("kind: absence\n    selector: { metric: q }\n    timeout: 5m\n    scope: planet", "scope", "series, instance, collector")]
    [InlineData("kind: absence\n    selector: { metric: q }\n    timeout: 5m\n    scope: collector", "selector.metric", "gds_collector_up")]
    public void Each_error_names_its_field(string body, string field, string message)
    {
        var yaml = "rules:\n  - id: r1\n    " + (body.Contains("selector:") ? "" : "selector: { }\n    ") + body + "\n";
        var errors = Errors(yaml);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message) && e.RuleId == "r1" && e.Line > 0);
    }

    [Theory]
    [InlineData("    selector: {metric: m\n    op: \">\"\n    value: 1\n", 4, 15, "'{' is never closed")]
    [InlineData("    selector: {metric: m}\n    group_by: [instance_id, database\n    op: \">\"\n", 5, 15, "'[' is never closed")]
    [InlineData("    selector: {metric: m, tags: {env: prod}\n    op: \">\"\n", 4, 15, "'{' is never closed")]
    [InlineData("    selector: {metric: m}\n    annotations:\n      summary: \"no end\n", 0, 0, "")]
    [InlineData("    selector: {metric: m}\n   op: \">\"\n", 0, 0, "")]
    [InlineData("    selector: {metric: m}\n    op: \">\"\n    value: [1, 2]]\n", 0, 0, "")]
    public void Every_yaml_syntax_error_is_reported_with_its_line_and_column(string body, int line, int column, string message)
    {
        var yaml = "rules:\n  - id: r1\n    kind: threshold\n" + body;
        var error = Assert.Single(Errors(yaml));
        Assert.Equal("yaml", error.Field);
        Assert.True(error.Line > 0 && error.Column > 0, error.ToString());
        if (line > 0) Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message);
        Assert.StartsWith($"r.yaml:{error.Line}:{error.Column}: yaml: ", error.ToString());
    }

    [Fact]
    public void The_example_rule_file_of_every_kind_is_valid()
    {
        var path = Path.Combine(RepoRoot(), "examples", "rules-kinds.yaml");
        var file = new RuleFileReader().ReadFile(path);
        Assert.True(file.IsValid, string.Join("\n", file.Errors));
        Assert.Equal(["absence", "anomaly", "burn_rate"], file.Rules.Select(r => r.Kind).Distinct().Order());
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "GdsStreams.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
