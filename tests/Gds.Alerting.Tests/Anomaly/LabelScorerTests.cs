using Gds.Alerting.Backtest;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Alerting.Tests.Anomaly;

public sealed class LabelScorerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private static LabelScorer Scorer(string json, string? groupBy = null, params (string Instance, string Shape)[] series)
    {
        var scorer = new LabelScorer(LabelFile.Parse(json), groupBy);
        // Each series spans exactly one week.
        foreach (var (instance, shape) in series)
            for (var h = 0; h <= 7 * 24; h++)
                scorer.OnSample(new Metric
                {
                    Timestamp = T0.AddHours(h), DatabaseType = "postgresql", InstanceId = instance, MetricName = "m", Value = 1,
                    Tags = new Dictionary<string, string> { ["shape"] = shape },
                });
        return scorer;
    }

    private static AlertEvent Fired(string instance, DateTimeOffset at, int sequence = 0) => new()
    {
        EventId = Guid.NewGuid().ToString(), Status = AlertStatus.Firing, RuleId = "r", DedupKey = $"r:{instance}:m",
        InstanceId = instance, MetricName = "m", Severity = "WARNING", StartsAt = at, EventTime = at, Sequence = sequence,
    };

    private const string TwoWindows = """{"a:m": [["2025-03-04T10:00:00Z", "2025-03-04T12:00:00Z"]], "b": [["2025-03-05T00:00:00Z", "2025-03-05T01:00:00Z"]], "c:m": []}""";

    [Fact]
    public void A_detector_that_never_fires_scores_0_and_an_instant_perfect_one_about_100()
    {
        var silent = Scorer(TwoWindows, null, ("a", "x"), ("b", "x"), ("c", "x")).Scores().Single();
        Assert.Equal(0, silent.Score!.Value, 6);
        Assert.Equal(0, silent.Recall);
        Assert.Null(silent.Precision);

        var perfect = Scorer(TwoWindows, null, ("a", "x"), ("b", "x"), ("c", "x"));
        perfect.OnEvent(Fired("a", T0.AddHours(34)));
        perfect.OnEvent(Fired("b", T0.AddHours(48)));
        var s = perfect.Scores().Single();
        Assert.InRange(s.Score!.Value, 99, 100);
        Assert.Equal(1, s.Precision);
        Assert.Equal(1, s.Recall);
        Assert.Equal(TimeSpan.Zero, s.MedianDelay);
        Assert.Equal(0, s.FalseAlarms);
        Assert.Equal(3, s.SeriesWeeks, 6);
    }

    [Fact]
    public void A_late_detection_earns_less_than_an_early_one_and_only_the_earliest_counts()
    {
        var early = Scorer(TwoWindows, null, ("a", "x"));
        early.OnEvent(Fired("a", T0.AddHours(34).AddMinutes(10)));
        var late = Scorer(TwoWindows, null, ("a", "x"));
        late.OnEvent(Fired("a", T0.AddHours(35).AddMinutes(50)));
        late.OnEvent(Fired("a", T0.AddHours(35).AddMinutes(55)));
        var e = early.Scores().Single();
        var l = late.Scores().Single();
        Assert.True(e.Score > l.Score, $"{e.Score} > {l.Score}");
        Assert.Equal(TimeSpan.FromMinutes(10), e.MedianDelay);
        Assert.Equal(TimeSpan.FromMinutes(110), l.MedianDelay);
        Assert.Equal(1, l.RepeatsInWindows);
        Assert.Equal(0, l.FalseAlarms);
    }

    [Fact]
    public void Detections_outside_every_window_are_false_alarms_per_series_week_and_cost_score()
    {
        var scorer = Scorer(TwoWindows, "shape", ("a", "shift"), ("b", "shift"), ("c", "normal"));
        scorer.OnEvent(Fired("a", T0.AddHours(34)));
        scorer.OnEvent(Fired("a", T0.AddHours(20)));             // before the window
        scorer.OnEvent(Fired("c", T0.AddHours(50)));             // a normal series
        scorer.OnEvent(Fired("c", T0.AddHours(60)));
        scorer.OnEvent(Fired("c", T0.AddHours(61), sequence: 1)); // a repeat of the same alert is no new detection
        var scores = scorer.Scores();
        Assert.Equal(["normal", "shift", "all"], scores.Select(s => s.Group));
        var normal = scores[0];
        Assert.Equal(2, normal.FalseAlarms);
        Assert.Equal(2, normal.FalseAlarmsPerSeriesWeek, 6);
        Assert.Null(normal.Score);
        var shift = scores[1];
        Assert.Equal(1, shift.Detected);
        Assert.Equal(0.5, shift.Recall);
        Assert.Equal(0.5, shift.Precision);
        var all = scores[2];
        Assert.Equal(3, all.FalseAlarms);
        Assert.Equal(0.25, all.Precision);
        // One window at its start (+0.987), one missed (−1), three false alarms (−0.33), over a range of −2 (silent) to +2 (perfect).
        Assert.Equal(100 * (LabelScorer.Reward(0) - 1 - 3 * LabelScorer.FalseAlarmCost + 2) / 4, all.Score!.Value, 6);

        // A rule that fires all the time scores below one that never fires.
        for (var h = 0; h < 30; h++) scorer.OnEvent(Fired("c", T0.AddHours(100 + h)));
        Assert.True(scorer.Scores()[^1].Score < 0, $"{scorer.Scores()[^1].Score}");
    }

    [Fact]
    public void Series_the_labels_do_not_name_are_not_scored_and_labelled_ones_without_samples_are_reported()
    {
        var scorer = Scorer(TwoWindows, null, ("a", "x"), ("z", "x"));
        scorer.OnEvent(Fired("z", T0.AddHours(3)));
        Assert.Equal(1, scorer.UnlabelledEvents);
        Assert.Equal(["b", "c:m"], scorer.LabelledButUnseen);
        Assert.Equal(1, scorer.Scores().Single().Series);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"a": [["2025-03-04T10:00:00Z"]]}""", "series 'a': window 0: must be [start, end]")]
    [InlineData("""{"a": [["2025-03-04T10:00:00Z", "soon"]]}""", "series 'a': window 0: end: \"soon\" is not a timestamp")]
    [InlineData("""{"a": [["2025-03-04T10:00:00Z", "2025-03-04T09:00:00Z"]]}""", "is not after start")]
    [InlineData("""{"a": {}}""", "series 'a': must be a list")]
    [InlineData("""{"a": [""", "not valid JSON")]
    public void A_bad_labels_file_is_refused_naming_what_and_where(string json, string message)
    {
        var ex = Assert.Throws<LabelFileException>(() => LabelFile.Parse(json, "l.json"));
        Assert.Contains(message, ex.Message);
        Assert.StartsWith("l.json: ", ex.Message);
    }

    [Fact]
    public void The_reward_falls_from_about_one_at_the_start_to_zero_at_the_end()
    {
        Assert.InRange(LabelScorer.Reward(0), 0.98, 1);
        Assert.InRange(LabelScorer.Reward(0.5), 0.8, 0.9);
        Assert.Equal(0, LabelScorer.Reward(1), 9);
    }
}
