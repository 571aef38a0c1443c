using Gds.Alerting.Silences;
using Gds.Cli.Commands.Silences;
using Gds.Handling.Silences;

namespace Gds.Cli.Tests;

/// <summary>`gds silence add --alert ID`: one alert, named as its notifications name it, and nothing else.</summary>
public sealed class SilenceAlertOptionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string> Alert(string database, string instance = "pg-1") => new()
    {
        ["rule_id"] = "pg-wraparound", ["instance_id"] = instance, ["metric_name"] = "pg_database_wraparound_ratio",
        ["database"] = database, ["environment"] = "production", ["severity"] = "WARNING",
    };

    [Fact]
    public void An_alert_id_becomes_matchers_on_its_identity_and_series_labels()
    {
        var settings = new SilenceAddSettings
        {
            Alert = "pg-wraparound:pg-1:pg_database_wraparound_ratio{database=\"orders, eu\"}",
            For = "2h", By = "alice", Comment = "vacuum freeze running",
        };
        Assert.True(SilenceRequest.TryBuild(settings.ToDraft(), Now, out var silence, out var error), error);
        Assert.Equal(["rule_id=pg-wraparound", "instance_id=pg-1", "metric_name=pg_database_wraparound_ratio", "database=\"orders, eu\""], silence!.Matchers);

        var compiled = CompiledSilence.Compile(silence);
        Assert.True(compiled.Mutes(Alert("orders, eu"), Now.AddMinutes(1)));
        Assert.False(compiled.Mutes(Alert("billing"), Now.AddMinutes(1)));
        Assert.False(compiled.Mutes(Alert("orders, eu", instance: "pg-2"), Now.AddMinutes(1)));
    }

    [Fact]
    public void A_malformed_alert_id_is_refused_with_the_reason()
    {
        var settings = new SilenceAddSettings { Alert = "pg-wraparound:pg-1:m{database=orders}", For = "2h", By = "alice", Comment = "x" };
        Assert.False(SilenceRequest.TryBuild(settings.ToDraft(), Now, out _, out var error));
        Assert.Contains("--alert", error);
        Assert.Contains("labels do not read", error);
    }
}
