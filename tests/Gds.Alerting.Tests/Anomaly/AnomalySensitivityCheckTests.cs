using Gds.Alerting.Rules;
using Xunit;

namespace Gds.Alerting.Tests.Anomaly;

/// <summary>A rule written when `sensitivity` was a z-score is flagged by validate/publish, naming the rule, field and line.</summary>
public sealed class AnomalySensitivityCheckTests
{
    private static IReadOnlyList<RuleFileWarning> Warnings(string yaml)
    {
        var file = new RuleFileReader().Read("rules.yaml", yaml);
        Assert.True(file.IsValid, string.Join("; ", file.Errors));
        return RuleFileWarnings.Check(file);
    }

    [Fact]
    public void An_old_z_score_gets_a_warning_naming_rule_and_field()
    {
        var w = Assert.Single(Warnings("""
            rules:
              - id: qps-anomaly
                kind: anomaly
                selector: { metric: pg_connections_used }
                sensitivity: 4
            """));
        Assert.Equal("qps-anomaly", w.RuleId);
        Assert.Equal("sensitivity", w.Field);
        Assert.Equal(5, w.Line);
        Assert.Contains("looks like a z-score", w.Message);
        Assert.Contains("about 4 false alarms a week per series", w.Message);
        Assert.StartsWith("rules.yaml:5: rule 'qps-anomaly': sensitivity:", w.ToString());
    }

    [Theory]
    [InlineData("sensitivity: 0.25")]
    [InlineData("sensitivity: 2.5")]
    [InlineData("")]
    public void A_rate_or_the_default_is_quiet(string line) => Assert.Empty(Warnings($$"""
        rules:
          - id: qps-anomaly
            kind: anomaly
            selector: { metric: pg_connections_used }
            {{line}}
        """));
}
