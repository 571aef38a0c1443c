using System.Globalization;
using System.Text;

namespace Gds.Cli.Tests;

/// <summary>`gds rules backtest --labels`: the scores a user reads, and a bad labels file refused before anything runs.</summary>
[Collection(CliCollection.Name)]
public sealed class BacktestLabelsCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gds-labels-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Three days of five-minute samples of two series; db-1 jumps by 50 for an hour on day 3 at 12:00.</summary>
    private (string Rules, string Input) Files()
    {
        var rules = Write("rules.yaml", "rules:\n  - id: a\n    kind: anomaly\n    selector: { metric: m }\n");
        var sb = new StringBuilder();
        var rng = new Random(3);
        var t0 = new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 3 * 288; i++)
            foreach (var db in new[] { "db-1", "db-2" })
            {
                var v = 100 + (rng.NextDouble() + rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 2) * 3 + (db == "db-1" && i >= 2 * 288 + 144 && i < 2 * 288 + 156 ? 50 : 0);
                sb.Append(CultureInfo.InvariantCulture, $"{{\"timestamp\":\"{t0.AddMinutes(5 * i):yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"database_type\":\"postgresql\",\"instance_id\":\"{db}\",\"metric_name\":\"m\",\"value\":{v:0.###},\"tags\":{{\"environment\":\"production\",\"shape\":\"{(db == "db-1" ? "spike" : "normal")}\"}}}}\n");
            }
        return (rules, Write("samples.jsonl", sb.ToString()));
    }

    [Fact]
    public async Task The_scores_per_group_and_overall_are_printed_after_the_counts()
    {
        var (rules, input) = Files();
        var labels = Write("labels.json", """{"db-1:m": [["2025-03-05T12:00:00Z", "2025-03-05T13:00:00Z"]], "db-2": []}""");
        var events = Path.Combine(_dir, "events.jsonl");
        var (code, _, stderr) = await CliRunner.RunAsync("rules", "backtest", "--rules", rules, "--input", input, "--labels", labels, "--score-by", "shape", "--output", events);
        Assert.Equal(0, code);
        Assert.Contains("\"status\":\"firing\"", File.ReadAllText(events));
        Assert.Contains("precision recall median delay FA/series-week  score", stderr);
        var all = stderr.Split('\n').Single(l => l.StartsWith("all "));
        Assert.Matches(@"^all\s+2\s+1\s+1\s+0\s+100\.0%\s+100\.0%\s+0s\s+0\.00\s+99\.\d$", all.TrimEnd());
        Assert.Contains(stderr.Split('\n'), l => l.StartsWith("spike "));
        Assert.Contains(stderr.Split('\n'), l => l.StartsWith("normal "));
    }

    [Fact]
    public async Task A_bad_labels_file_is_refused_naming_the_series_and_window_and_nothing_runs()
    {
        var (rules, input) = Files();
        var labels = Write("labels.json", """{"db-1:m": [["2025-03-05T12:00:00Z", "2025-03-05T11:00:00Z"]]}""");
        var events = Path.Combine(_dir, "events.jsonl");
        var (code, _, stderr) = await CliRunner.RunAsync("rules", "backtest", "--rules", rules, "--input", input, "--labels", labels, "--output", events);
        Assert.NotEqual(0, code);
        Assert.False(File.Exists(events), "nothing was run, nothing written");
        Assert.Contains("--labels: ", stderr);
        Assert.Contains("series 'db-1:m': window 0: end 2025-03-05T11:00:00Z is not after start 2025-03-05T12:00:00Z; nothing was run.", stderr);
    }

    [Fact]
    public async Task Score_by_needs_labels()
    {
        var (rules, input) = Files();
        var (code, _, stderr) = await CliRunner.RunAsync("rules", "backtest", "--rules", rules, "--input", input, "--score-by", "shape");
        Assert.NotEqual(0, code);
        Assert.Contains("--score-by needs --labels FILE", stderr);
    }
}
