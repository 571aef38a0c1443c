using System.IO.Compression;
using Gds.Alerting.Backtest;
using Gds.Alerting.Backtest.Corpus;

namespace Gds.Alerting.Tests.Anomaly;

/// <summary>
/// The labelled corpus in examples/anomaly-corpus is what <see cref="AnomalyCorpus"/> generates: regenerate it with
/// GDS_WRITE_ANOMALY_CORPUS=1 dotnet test tests/Gds.Alerting.Tests --filter CorpusTests.
/// </summary>
public sealed class CorpusTests
{
    private static string Dir => Path.Combine(ValidationTests.RepoRoot(), "examples", "anomaly-corpus");

    [Theory]
    [InlineData("dev")]
    [InlineData("holdout")]
    public void The_checked_in_corpus_is_what_the_generator_makes(string part)
    {
        var series = AnomalyCorpus.Generate(part);
        var samples = Path.Combine(Dir, $"{part}.jsonl.gz");
        var labels = Path.Combine(Dir, $"{part}.labels.json");
        if (Environment.GetEnvironmentVariable("GDS_WRITE_ANOMALY_CORPUS") == "1")
        {
            Directory.CreateDirectory(Dir);
            AnomalyCorpus.Write(series, samples, labels);
        }

        Assert.Equal(AnomalyCorpus.LabelsJson(series), File.ReadAllText(labels));
        using var stream = SampleFiles.Open(samples);
        var read = SampleFiles.ReadJsonLines(stream).ToList();
        var expected = AnomalyCorpus.Samples(series).ToList();
        Assert.Equal(expected.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.Equal(expected[i].InstanceId, read[i].InstanceId);
            Assert.Equal(expected[i].Timestamp, read[i].Timestamp);
            Assert.Equal(expected[i].Value, read[i].Value, 6);
        }
    }

    [Fact]
    public void The_corpus_rules_are_valid_defaults_and_cover_every_metric_of_the_corpus()
    {
        var file = new Gds.Alerting.Rules.RuleFileReader().ReadFile(Path.Combine(Dir, "rules.yaml"));
        Assert.True(file.IsValid, string.Join("\n", file.Errors));
        Assert.All(file.Rules, r => Assert.True(r.Kind == "anomaly" && r.Sensitivity is null && r.Warmup is null && r.Seasonality is null && r.Direction is null, r.Id));
        var metrics = AnomalyCorpus.Generate("dev").Select(s => s.MetricName).Distinct();
        Assert.Equal(metrics.Order(), file.Rules.Select(r => r.Selector.Metric!).Order());
    }

    [Theory]
    [InlineData("db_commit_rate")]
    [InlineData("db_connections")]
    [InlineData("db_latency")]
    [InlineData("level_shift_up")]
    [InlineData("stalled_counter")]
    [InlineData("weekly_cycle")]
    public void The_defaults_catch_every_incident_of_these_development_traces(string shape)
    {
        // The development part only: the holdout is measured, never asserted on (so never tuned on).
        var rule = Gds.Alerting.Rules.CompiledRule.Compile(new Gds.Contracts.Rules.Rule { Id = "a", Kind = "anomaly", Selector = new Gds.Contracts.Rules.RuleSelector { Metric = "m" } });
        var plan = Gds.Alerting.Kinds.Anomaly.AnomalyPlan.For(rule);
        foreach (var s in AnomalyCorpus.Generate("dev").Where(s => s.Shape == shape))
        {
            var st = new Gds.Alerting.Kinds.Anomaly.AnomalyState();
            var started = new List<DateTimeOffset>();
            for (var i = 0; i < s.Values.Length; i++)
                if (Gds.Alerting.Kinds.Anomaly.AnomalyDetector.Step(plan, st, s.TimeOf(i), s.Values[i]).Step == Gds.Alerting.Kinds.Anomaly.AnomalyStep.Started)
                    started.Add(s.TimeOf(i));
            var window = Assert.Single(s.Windows);
            var first = started.Where(window.Contains).DefaultIfEmpty(DateTimeOffset.MaxValue).First();
            Assert.True(window.Contains(first), $"{s.Key}: window {window.Start:u}..{window.End:u}, episodes at {string.Join(", ", started.Select(t => t.ToString("u")))}");
        }
    }

    [Fact]
    public void Every_shape_is_in_both_parts_with_its_labels_and_normal_shapes_have_none()
    {
        var dev = AnomalyCorpus.Generate("dev");
        var holdout = AnomalyCorpus.Generate("holdout");
        Assert.Equal(dev.Select(s => s.Shape).Distinct(), holdout.Select(s => s.Shape).Distinct());
        foreach (var s in dev.Concat(holdout))
        {
            var normal = s.Shape is "slow_drift" or "normal_noise" or "normal_seasonal";
            Assert.Equal(normal ? 0 : 1, s.Windows.Count);
        }
        // Not the same data under another name: the holdout's incidents are elsewhere.
        Assert.NotEqual(dev.First(s => s.Windows.Count > 0).Windows[0].Start, holdout.First(s => s.Windows.Count > 0).Windows[0].Start);
    }
}
