using Gds.Alerting.Engine;

namespace Gds.Alerting.Tests.Support;

/// <summary>
/// The pure engine with an in-memory store, driven the way the topology drives it: samples, then ticks. Rules are
/// given as YAML so each test reads like the rule file a user would write.
/// </summary>
public sealed class Harness
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 15, 0, 0, 0, TimeSpan.Zero);

    public RuleBook Book { get; } = new();
    public AlertEngine Engine { get; }
    public InMemorySeriesStateStore Store { get; } = new();
    public List<AlertEvent> Events { get; } = [];

    public Harness(string rulesYaml, TimeSpan? grace = null)
    {
        foreach (var rule in Rules(rulesYaml)) Book.Upsert(CompiledRule.Compile(rule));
        Engine = new AlertEngine(Book, new AlertEngineOptions { Grace = grace ?? TimeSpan.Zero });
    }

    public static IReadOnlyList<Gds.Contracts.Rules.Rule> Rules(string yaml)
    {
        var file = new RuleFileReader().Read("test.yaml", yaml);
        Assert.True(file.IsValid, string.Join("\n", file.Errors));
        return file.Rules;
    }

    public static Metric Sample(DateTimeOffset at, double value, string metric = "m", string instance = "db-1",
        string databaseType = "postgresql", string environment = "production") => new()
    {
        Timestamp = at,
        DatabaseType = databaseType,
        InstanceId = instance,
        MetricName = metric,
        Value = value,
        Tags = new Dictionary<string, string> { ["environment"] = environment },
    };

    public Harness Feed(Metric sample)
    {
        Engine.OnSample(sample, Store, Events);
        return this;
    }

    public Harness Feed(DateTimeOffset at, double value, string metric = "m", string instance = "db-1") =>
        Feed(Sample(at, value, metric, instance));

    public Harness Tick(DateTimeOffset now)
    {
        Engine.OnTick(now, Store, Events);
        return this;
    }

    public IEnumerable<AlertEvent> Fired => Events.Where(e => e.Status == AlertStatus.Firing && e.Sequence == 0);
    public IEnumerable<AlertEvent> Resolved => Events.Where(e => e.Status == AlertStatus.Resolved);

    public static DateTimeOffset At(TimeSpan offset) => T0 + offset;
    public static DateTimeOffset Min(double minutes) => T0.AddMinutes(minutes);
    public static DateTimeOffset Sec(double seconds) => T0.AddSeconds(seconds);
}
