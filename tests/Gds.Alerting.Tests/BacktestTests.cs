using System.Text;
using Gds.Alerting.Backtest;
using Gds.Contracts.Serialization;
using Gds.Alerting.Tests.Support;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>The core of `gds rules backtest`: a recorded file in, the alert events it would have raised out.</summary>
public sealed class BacktestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gds-backtest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Rules = """
        rules:
          - id: qps-anomaly
            kind: anomaly
            selector: { metric: qps }
            warmup: 30m
          - id: qps-missing
            kind: absence
            selector: { metric: qps }
            timeout: 5m
        """;

    private static RuleBook Book(string yaml)
    {
        var book = new RuleBook();
        foreach (var r in Harness.Rules(yaml)) book.Upsert(CompiledRule.Compile(r));
        return book;
    }

    /// <summary>db-1: 100 then a shift to 160 at 3h; db-2: steady but silent between 2h and 2h20m.</summary>
    private string WriteJsonLines()
    {
        var path = Path.Combine(_dir, "samples.jsonl");
        using var w = new StreamWriter(path);
        var rng = new Random(3);
        for (var k = 0; k < 360; k++)
        {
            w.WriteLine(GdsJson.SerializeToString(Sample(Min(k), (k < 180 ? 100 : 160) + rng.NextDouble() * 4, "qps", "db-1")));
            if (k is < 120 or >= 140) w.WriteLine(GdsJson.SerializeToString(Sample(Min(k), 50 + rng.NextDouble() * 4, "qps", "db-2")));
            if (k == 10) w.WriteLine();
        }
        return path;
    }

    private static (List<AlertEvent> Events, BacktestSummary Summary) Run(string rules, IEnumerable<Gds.Contracts.Metrics.Metric> samples)
    {
        var events = new List<AlertEvent>();
        var summary = new BacktestRunner(Book(rules)).Run(samples, events.Add);
        return (events, summary);
    }

    [Fact]
    public void Json_lines_in_alerts_out_with_absence_fired_by_event_time_ticks()
    {
        var path = WriteJsonLines();
        using var input = File.OpenRead(path);
        var (events, summary) = Run(Rules, SampleFiles.ReadJsonLines(input));

        Assert.Equal(360 + 340, summary.Samples);
        var shift = events.Where(e => e.RuleId == "qps-anomaly").ToList();
        Assert.Equal([("firing", "db-1"), ("resolved", "db-1")], shift.Select(e => (e.Status, e.InstanceId)));
        Assert.Equal(Min(180), shift[0].StartsAt);

        var silence = events.Where(e => e.RuleId == "qps-missing").ToList();
        Assert.Equal([("firing", "db-2"), ("resolved", "db-2")], silence.Select(e => (e.Status, e.InstanceId)));
        Assert.Equal(Min(124) + TimeSpan.FromSeconds(30), silence[0].StartsAt); // last sample 1:59, timeout 5m, 30s ticks
        Assert.Equal(Min(140), silence[1].EndsAt);
        Assert.Equal(0, summary.StillFiring);
    }

    [Fact]
    public void The_same_input_gives_the_same_events_ids_included()
    {
        var path = WriteJsonLines();
        string Once()
        {
            using var input = File.OpenRead(path);
            return string.Join("\n", Run(Rules, SampleFiles.ReadJsonLines(input)).Events.Select(e => e.EventId));
        }
        Assert.Equal(Once(), Once());
    }

    [Fact]
    public void A_csv_of_one_series_is_named_by_metric_and_instance()
    {
        var path = Path.Combine(_dir, "cpu.csv");
        var sb = new StringBuilder("timestamp,value\n");
        for (var k = 0; k < 100; k++)
            sb.Append(k % 2 == 0 ? $"{Min(k).ToUnixTimeSeconds()}" : Min(k).ToString("O")).Append(',').Append(k is >= 50 and < 60 ? 97 : 40).Append('\n');
        File.WriteAllText(path, sb.ToString());

        using var input = File.OpenRead(path);
        Assert.True(SampleFiles.LooksLikeCsv(path, input));
        var samples = SampleFiles.ReadCsv(input, new CsvSeries("cpu", "db-7", "postgresql", "production"));
        var (events, _) = Run("""
            rules:
              - id: cpu-high
                kind: threshold
                selector: { metric: cpu, environment: production }
                op: ">"
                value: 90
                for: 2m
            """, samples);

        Assert.Equal([("firing", Min(52)), ("resolved", Min(60))], events.Select(e => (e.Status, e.EventTime)));
        Assert.All(events, e => Assert.Equal("db-7", e.InstanceId));
    }

    [Fact]
    public void A_bad_input_line_is_reported_with_its_number()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, GdsJson.SerializeToString(Sample(Min(0), 1)) + "\n{\"timestamp\": \"nope\"}\n");
        using var input = File.OpenRead(path);
        var ex = Assert.Throws<SampleFileException>(() => SampleFiles.ReadJsonLines(input).ToList());
        Assert.StartsWith("line 2:", ex.Message);
    }
}

public sealed class MetricLineParserTests
{
    [Theory]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"prod-db-01","metric_name":"cpu_usage_percent","value":85.5,"tags":{"environment":"production","region":"us-east-1"},"metadata":{"collection_duration_ms":150,"version":"1.0","correlation_id":"7f9c"}}""")]
    [InlineData("""{"metric_name":"m","value":"12.5","instance_id":"db-\u00e9","database_type":"mongodb","timestamp":"2025-01-15T10:30:00.123+02:00","extra":[1,2,{"a":null}]}""")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"mssql","instance_id":"a","metric_name":"m","value":-1e-3,"tags":{}}""")]
    public void Reads_what_GdsJson_reads(string line)
    {
        var read = GdsJson.Deserialize<Gds.Contracts.Metrics.Metric>(line);
        // GdsJson leaves Tags null when a line has none (its Environment then throws): compare against empty tags.
        var expected = read.Tags is null ? read with { Tags = new Dictionary<string, string>() } : read;
        var parser = new MetricLineParser();
        var actual = parser.Parse(Encoding.UTF8.GetBytes(line));
        Assert.Equal(
            (expected.Timestamp, expected.DatabaseType, expected.InstanceId, expected.MetricName, expected.Value, expected.Environment),
            (actual.Timestamp, actual.DatabaseType, actual.InstanceId, actual.MetricName, actual.Value, actual.Environment));
        Assert.Equal(expected.Tags.OrderBy(t => t.Key), actual.Tags.OrderBy(t => t.Key));
        // A second line with the same identity reuses the same strings and tag map, and still reads right.
        var again = parser.Parse(Encoding.UTF8.GetBytes(line));
        Assert.Equal(actual.InstanceId, again.InstanceId);
        Assert.Equal(actual.Tags.OrderBy(t => t.Key), again.Tags.OrderBy(t => t.Key));
    }

    [Fact]
    public void Names_a_missing_field()
    {
        var ex = Assert.Throws<FormatException>(() => new MetricLineParser().Parse("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"x","instance_id":"a","value":1}"""u8));
        Assert.Contains("metric_name", ex.Message);
    }
}

public sealed class ReadAheadTests
{
    private static IEnumerable<int> FailsAfter(int n)
    {
        for (var i = 0; i < n; i++) yield return i;
        throw new SampleFileException($"line {n + 1}: broken");
    }

    [Fact]
    public void Keeps_the_order_and_rethrows_the_source_failure_after_the_items_before_it()
    {
        var seen = new List<int>();
        var ex = Assert.Throws<SampleFileException>(() => { foreach (var i in ReadAhead.Of(FailsAfter(10_000), batchSize: 64)) seen.Add(i); });
        Assert.Equal("line 10001: broken", ex.Message);
        Assert.Equal(Enumerable.Range(0, 10_000), seen);
    }

    [Fact]
    public void Stopping_early_releases_the_reader_thread()
    {
        var first = ReadAhead.Of(Enumerable.Range(0, 1_000_000), batchSize: 16, batches: 2).Take(5).ToList();
        Assert.Equal([0, 1, 2, 3, 4], first);
    }
}
