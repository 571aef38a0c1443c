using Gds.Alerting.Engine;
using Gds.Alerting.Escalation;
using Gds.Alerting.Fleet;
using Gds.Alerting.Hygiene;
using Gds.Alerting.Inhibition;
using Gds.Contracts.Silences;
using Microsoft.Extensions.Options;

namespace Gds.Alerting.Tests.Hygiene;

/// <summary>
/// The alert engine followed by hygiene, wired as the topology does (docs/hygiene.md), on in-memory stores and
/// explicit times: no Kafka, no sleeping.
/// </summary>
internal sealed class HygieneHarness
{
    public static readonly DateTimeOffset T0 = new(2026, 7, 1, 10, 0, 0, TimeSpan.Zero);

    public RuleBook Rules { get; } = new();
    public AlertEngine Engine { get; }
    public InMemorySeriesStateStore Series { get; } = new();
    public InMemoryHygieneStore Store { get; } = new();
    public Silencer Silencer { get; } = new();
    public InhibitRuleBook InhibitRules { get; } = new();
    /// <summary>The fleet's firing alerts, as the gds.alerts.firing global store would hold them (shared across restarts).</summary>
    public FleetFiring Fleet { get; }
    public HygieneOptions Options { get; } = new();
    public HygieneEngine Hygiene { get; private set; }
    public List<SilenceExpiry> Expiries { get; } = [];

    public HygieneHarness(params Rule[] rules)
    {
        foreach (var r in rules) Rules.Upsert(CompiledRule.Compile(r));
        Fleet = new FleetFiring(InhibitRules);
        Engine = new AlertEngine(Rules);
        Hygiene = NewHygiene();
    }

    /// <summary>A process restart: a new engine over the same (persisted) stores and shared books.</summary>
    public void Restart() => Hygiene = NewHygiene();

    private HygieneEngine NewHygiene() =>
        new(Silencer, Fleet, new RuleBookEscalationPolicies(Rules), Microsoft.Extensions.Options.Options.Create(Options));

    public static Rule Cpu(string id = "cpu-high", IReadOnlyList<EscalationStep>? escalation = null, IReadOnlyList<string>? groupBy = null) => new()
    {
        Id = id, Kind = RuleKinds.Threshold, Selector = new RuleSelector { Metric = "cpu_usage_percent" },
        Op = ">", Value = 90, RepeatInterval = "10m", Severity = Severities.Warning, RoutingKey = "dba-oncall",
        Escalation = escalation, GroupBy = groupBy,
    };

    public static Rule CollectorDown() => new()
    {
        Id = "collector-down", Kind = RuleKinds.Threshold, Selector = new RuleSelector { Metric = "gds_collector_up" },
        Op = "==", Value = 0, Severity = Severities.Critical,
    };

    public List<AlertEvent> Sample(string instance, string metric, double value, DateTimeOffset at, IReadOnlyDictionary<string, string>? tags = null,
        IReadOnlyDictionary<string, string>? labels = null)
    {
        var engineOut = new List<AlertEvent>();
        Engine.OnSample(new Metric
        {
            Timestamp = at, DatabaseType = "postgresql", InstanceId = instance, MetricName = metric, Value = value,
            Tags = tags ?? new Dictionary<string, string> { ["environment"] = "production" },
            Labels = labels ?? SeriesLabels.None,
        }, Series, engineOut);
        var output = new List<AlertEvent>();
        foreach (var e in engineOut) Hygiene.OnAlertEvent(e, Store, output);
        return output;
    }

    public List<AlertEvent> Cpu(string instance, double value, DateTimeOffset at) => Sample(instance, "cpu_usage_percent", value, at);

    public List<AlertEvent> Tick(DateTimeOffset now)
    {
        var output = new List<AlertEvent>();
        var before = Expiries.Count;
        Hygiene.OnTick(now, Store, output, Expiries);
        // As in the topology: a published expiry ends the silence when its record comes back from gds.silences.
        foreach (var x in Expiries.Skip(before)) Assert.Empty(Silencer.Upsert(x.Record));
        return output;
    }

    public (AckOutcome Outcome, List<AlertEvent> Events) Ack(string dedupKey, string by, DateTimeOffset at, string? comment = null)
    {
        var output = new List<AlertEvent>();
        var outcome = Hygiene.OnAck(new Ack { AlertId = dedupKey, By = by, At = at, Comment = comment }, Store, output);
        return (outcome, output);
    }

    public void Silence(string id, DateTimeOffset? starts, DateTimeOffset? ends, params string[] matchers) =>
        Silence(new Silence { Id = id, Matchers = matchers, StartsAt = starts, EndsAt = ends, CreatedBy = "test" });

    public void Silence(Silence s) => Assert.Empty(Silencer.Upsert(s));
}
