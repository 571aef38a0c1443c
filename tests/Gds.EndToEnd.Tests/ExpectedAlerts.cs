using Gds.Contracts.Metrics;
using Gds.Contracts.Rules;

namespace Gds.EndToEnd.Tests;

/// <summary>
/// An independent, deliberately naive model of threshold rules (op, value, for, resolve_value) over a list of
/// samples: what notifications should come out of the whole pipeline. Shares no code with Gds.Alerting.
/// </summary>
internal static class ExpectedAlerts
{
    public sealed record Expected(string RuleId, string InstanceId, string Metric, string Status, DateTimeOffset StartsAt);

    public static List<Expected> Compute(IReadOnlyList<Rule> rules, IEnumerable<Metric> samples)
    {
        var result = new List<Expected>();
        var bySeries = samples.GroupBy(s => (s.InstanceId, s.MetricName)).ToList();
        foreach (var rule in rules.Where(r => r.Kind == "threshold"))
        foreach (var series in bySeries)
        {
            var first = series.First();
            if (first.MetricName != rule.Selector.Metric) continue;
            if (rule.Selector.DatabaseType is { } dt && dt != first.DatabaseType) continue;
            if (rule.Selector.Environment is { } env && env != first.Tags["environment"]) continue;
            var hold = ParseSeconds(rule.For);
            DateTimeOffset? since = null;
            var firing = false;
            foreach (var s in series.OrderBy(s => s.Timestamp))
            {
                var limit = firing && rule.ResolveValue is { } rv ? rv : rule.Value!.Value;
                var breach = rule.Op switch
                {
                    ">" => s.Value > limit, ">=" => s.Value >= limit, "<" => s.Value < limit,
                    "<=" => s.Value <= limit, "==" => s.Value == limit, _ => s.Value != limit,
                };
                if (breach)
                {
                    since ??= s.Timestamp;
                    if (!firing && (s.Timestamp - since.Value).TotalSeconds >= hold)
                    {
                        firing = true;
                        result.Add(new(rule.Id, s.InstanceId, s.MetricName, "firing", since.Value));
                    }
                }
                else
                {
                    if (firing) result.Add(new(rule.Id, s.InstanceId, s.MetricName, "resolved", since!.Value));
                    firing = false;
                    since = null;
                }
            }
        }
        return result;
    }

    private static double ParseSeconds(string? d) =>
        d is null ? 0 : d.EndsWith('s') ? double.Parse(d[..^1]) : d.EndsWith('m') ? 60 * double.Parse(d[..^1]) : throw new NotSupportedException(d);
}
