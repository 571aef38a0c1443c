using Gds.Cli.Http;
using Gds.Contracts.Metrics.Catalog;
using Gds.Telemetry;
using Gds.Telemetry.Readings;

namespace Gds.Ui.Tests;

/// <summary>The Health tab's data: a process's own --http endpoint (the real one every verb serves), polled by the ui.</summary>
[Collection(UiCollection.Name)]
public sealed class UiHealthTests
{
    private static readonly TelemetryMetric Lag = TelemetryMetric.Of(PipelineMetrics.SinkConsumerLag);
    private static readonly TelemetryMetric Breaker = TelemetryMetric.Of(PipelineMetrics.SinkBreakerOpen);
    private static readonly TelemetryMetric Notifications = TelemetryMetric.Counter("gds_sink_notifications_total", "Notifications delivered", "status");

    [Fact]
    public async Task The_sink_s_lag_breaker_and_delivery_rate_and_its_readiness_are_shown()
    {
        var ready = false;
        long delivered = 10;
        var telemetry = new ProcessTelemetry("gds-sink@test");
        telemetry.Add(new ReadingSource([Lag, Breaker, Notifications], into =>
        {
            into.Add(new Reading(Lag, 10, "gds.alerts", "0"));
            into.Add(new Reading(Lag, 20, "gds.alerts", "1"));
            into.Add(Reading.Of(Breaker, !ready));
            into.Add(new Reading(Notifications, Interlocked.Read(ref delivered), "delivered"));
        }));
        telemetry.AddReadiness("breaker", () => ready ? null : "the circuit breaker is Open");
        await using var sink = new TelemetryEndpoint(new ListenAddress("127.0.0.1", 0), telemetry, NullLogger.Instance);
        await sink.StartAsync(CancellationToken.None);
        await using var bed = await UiTestBed.StartAsync();
        await bed.StartUiAsync(health: [sink.Address!, new Uri("http://127.0.0.1:1/")]);

        var health = await bed.WaitForAsync("/api/health", h => h["processes"]!.AsArray().Count == 2, "both endpoints polled");
        var down = health["processes"]!.AsArray().Single(p => ((string)p!["url"]!).Contains(":1"))!;
        Assert.False((bool)down["reachable"]!);
        Assert.NotNull((string?)down["error"]);
        var process = health["processes"]!.AsArray().Single(p => !((string)p!["url"]!).Contains(":1"))!;
        Assert.False((bool)process["ready"]!);
        Assert.Equal("the circuit breaker is Open", (string)process["not_ready"]!["breaker"]!);
        Assert.Equal(30, (double)process["figures"]!["gds_sink_consumer_lag_records"]!);    // summed over partitions
        Assert.Equal(1, (double)process["figures"]!["gds_sink_breaker_open"]!);

        Interlocked.Add(ref delivered, 50);
        ready = true;
        var later = await bed.WaitForAsync("/api/health", h => h["processes"]!.AsArray().Any(p => (bool)p!["ready"]!
            && p["rates_per_second"]!.AsObject().TryGetPropertyValue("gds_sink_notifications_total", out var r) && (double)r! > 0), "ready, with a delivery rate");
        Assert.Equal(0, (double)later["processes"]!.AsArray().First(p => (bool)p!["ready"]!)!["figures"]!["gds_sink_breaker_open"]!);
    }
}
