using System.Net;
using Gds.Cli.Http;
using Gds.Telemetry;
using Gds.Telemetry.Readings;
using Gds.Telemetry.SelfReport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Cli.Tests.Http;

/// <summary>
/// The endpoint every long-running verb serves with --http, on a real Kestrel port: what a probe and a scraper get.
/// </summary>
public sealed class TelemetryEndpointTests
{
    private static readonly TelemetryMetric Lag = TelemetryMetric.Of(PipelineMetrics.SinkConsumerLag);
    private static readonly TelemetryMetric Breaker = TelemetryMetric.Of(PipelineMetrics.SinkBreakerOpen);
    private static readonly TelemetryMetric Emitted = TelemetryMetric.Counter("gds_test_emitted_total", "Events emitted", "rule_id");

    [Fact]
    public async Task Readyz_says_what_is_not_ready_until_it_is_and_metrics_follow_the_source_at_each_scrape()
    {
        var ready = false;
        var partitions = new List<int> { 0, 1 };
        long emitted = 3;
        var telemetry = new ProcessTelemetry("gds-test@host");
        telemetry.Add(new ReadingSource([Lag, Breaker, Emitted], into =>
        {
            foreach (var p in partitions) into.Add(new Reading(Lag, 10 * (p + 1), "gds.alerts", p.ToString()));
            into.Add(Reading.Of(Breaker, !ready));
            into.Add(new Reading(Emitted, emitted, "conn-high"));
        }));
        telemetry.AddReadiness("breaker", () => ready ? null : "the circuit breaker is Open");
        await using var endpoint = new TelemetryEndpoint(new ListenAddress("127.0.0.1", 0), telemetry, NullLogger.Instance);
        await endpoint.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = endpoint.Address };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var notReady = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("\"breaker\":\"the circuit breaker is Open\"", await notReady.Content.ReadAsStringAsync());

        var scrape = await http.GetAsync("/metrics");
        Assert.StartsWith("text/plain; version=0.0.4", scrape.Content.Headers.ContentType!.ToString());
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE gds_sink_consumer_lag_records gauge", text);
        Assert.Contains("gds_sink_consumer_lag_records{topic=\"gds.alerts\",partition=\"1\"} 20", text);
        Assert.Contains("gds_sink_breaker_open 1", text);
        Assert.Contains("# TYPE gds_test_emitted_total counter", text);
        Assert.Contains("gds_test_emitted_total{rule_id=\"conn-high\"} 3", text);

        // Partition 1 moved to another process, more events, the breaker closed.
        partitions.Remove(1);
        emitted = 7;
        ready = true;
        text = await http.GetStringAsync("/metrics");
        Assert.DoesNotContain("partition=\"1\"", text);
        Assert.Contains("gds_sink_consumer_lag_records{topic=\"gds.alerts\",partition=\"0\"} 10", text);
        Assert.Contains("gds_test_emitted_total{rule_id=\"conn-high\"} 7", text);
        Assert.Contains("gds_sink_breaker_open 0", text);
        var nowReady = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, nowReady.StatusCode);
        Assert.Contains("\"status\":\"ready\"", await nowReady.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_port_in_use_is_an_error_naming_the_address()
    {
        var telemetry = new ProcessTelemetry("gds-test@host");
        await using var first = new TelemetryEndpoint(new ListenAddress("127.0.0.1", 0), telemetry, NullLogger.Instance);
        await first.StartAsync(CancellationToken.None);
        var taken = new ListenAddress("127.0.0.1", first.Address!.Port);
        await using var second = new TelemetryEndpoint(taken, telemetry, NullLogger.Instance);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(CancellationToken.None));
        Assert.Contains($"127.0.0.1:{taken.Port}", ex.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1", 9464)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    [InlineData("[::1]:9464", "::1", 9464)]
    [InlineData("localhost:9464", "localhost", 9464)]
    public void Listen_addresses_parse(string text, string host, int port)
    {
        Assert.True(ListenAddress.TryParse(text, out var a, out var problem), problem);
        Assert.Equal(new ListenAddress(host, port), a);
    }

    [Theory]
    [InlineData("9464")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    public void Bad_listen_addresses_are_refused(string text) => Assert.False(ListenAddress.TryParse(text, out _, out _));

    [Fact]
    public void The_self_report_publishes_the_pipeline_metrics_of_the_catalogue_with_their_labels_and_nothing_else()
    {
        var telemetry = new ProcessTelemetry("gds-sink@host-1");
        telemetry.Add(new ReadingSource([Lag, Breaker, Emitted], into =>
        {
            into.Add(new Reading(Lag, 42, "gds.alerts", "3"));
            into.Add(Reading.Of(Breaker, true));
            into.Add(new Reading(Emitted, 9, "conn-high"));
        }));
        var at = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        var records = SelfReporter.Records(telemetry, "staging", at);

        Assert.Equal(["gds_sink_consumer_lag_records", "gds_sink_breaker_open"], records.Select(r => r.MetricName));
        Assert.All(records, r =>
        {
            Assert.Equal(DatabaseTypes.Pipeline, r.DatabaseType);
            Assert.Equal("gds-sink@host-1", r.InstanceId);
            Assert.Equal("staging", r.Environment);
            Assert.Equal(at, r.Timestamp);
        });
        Assert.Equal(new Dictionary<string, string> { ["topic"] = "gds.alerts", ["partition"] = "3" }, records[0].Labels);
        Assert.Equal(42, records[0].Value);
        Assert.Empty(records[1].Labels);
        Assert.Equal(1, records[1].Value);
    }
}
