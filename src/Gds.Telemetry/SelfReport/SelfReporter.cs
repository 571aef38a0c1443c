using System.Text;
using Confluent.Kafka;
using Gds.Contracts.Metrics;
using Gds.Contracts.Metrics.Catalog;
using Gds.Contracts.Serialization;
using Gds.Contracts.Topics;
using Gds.Kafka.Clients;
using Microsoft.Extensions.Logging;

namespace Gds.Telemetry.SelfReport;

/// <summary>
/// Publishes the process's pipeline metrics (those of the catalogue with database_type gds) as ordinary metric
/// records, instance_id = the process's identity, so that the topology evaluates rules on the pipeline itself
/// (examples/rules/gds.yaml). The values are read from the same sources as /metrics: the two cannot disagree.
/// Best effort: a record Kafka refuses is logged (once per run of failures) and the next round tries again.
/// </summary>
public sealed class SelfReporter : IAsyncDisposable
{
    private readonly ProcessTelemetry _telemetry;
    private readonly SelfReportOptions _options;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Gds.Kafka.Wire.RecordCodec _codec;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _topic;
    private Task _loop = Task.CompletedTask;
    private int _failing;

    public SelfReporter(ProcessTelemetry telemetry, KafkaClientFactory clients, SelfReportOptions options, ILogger log)
    {
        _telemetry = telemetry;
        _options = options;
        _log = log;
        _topic = TopicNames.Metrics(DatabaseTypes.Pipeline, options.Environment);
        // librdkafka's own lines (a broker down, ...) at debug: the failure that matters is logged once by OnFailure.
        _codec = clients.Codec;
        _producer = new ProducerBuilder<byte[], byte[]>(clients.ProducerConfig(telemetry.Identity + "-self-report"))
            .SetLogHandler((_, m) => log.LogDebug("self-report producer: {Message}", m.Message))
            .SetErrorHandler((_, e) => log.LogDebug("self-report producer: {Reason}", e.Reason))
            .Build();
    }

    /// <summary>The metric records of one round: every reading of a pipeline metric of the catalogue.</summary>
    public static List<Metric> Records(ProcessTelemetry telemetry, string environment, DateTimeOffset now)
    {
        var tags = new Dictionary<string, string> { ["environment"] = environment };
        var list = new List<Metric>();
        foreach (var r in telemetry.ReadAll())
        {
            if (!MetricCatalog.TryGet(r.Metric.Name, out var d) || d.DatabaseType != DatabaseTypes.Pipeline) continue;
            if (!double.IsFinite(r.Value)) continue;
            var labels = r.LabelValues is { Length: > 0 } values
                ? r.Metric.Labels.Zip(values).ToDictionary(x => x.First, x => x.Second)
                : null;
            list.Add(new Metric
            {
                Timestamp = now, DatabaseType = DatabaseTypes.Pipeline, InstanceId = telemetry.Identity,
                MetricName = r.Metric.Name, Value = r.Value, Tags = tags, Labels = labels!,
            });
        }
        return list;
    }

    public Task StartAsync(CancellationToken ct = default)
    {
        _log.LogInformation("self-report: {Identity} publishes its pipeline metrics to {Topic} every {Interval}", _telemetry.Identity, _topic, _options.Interval);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_options.Interval);
        try
        {
            do
            {
                PublishOnce();
            } while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One round now (the loop's, and a last one on stop, so a final state is reported).</summary>
    public void PublishOnce()
    {
        List<Metric> records;
        try
        {
            records = Records(_telemetry, _options.Environment, DateTimeOffset.UtcNow);
        }
        catch (Exception ex)
        {
            _log.LogWarning("self-report: reading the metrics failed: {Error}", ex.Message);
            return;
        }
        var key = Encoding.UTF8.GetBytes(_telemetry.Identity);
        foreach (var m in records)
        {
            try
            {
                _producer.Produce(_topic, new Message<byte[], byte[]> { Key = key, Value = _codec.Encode(_topic, m) }, OnDelivered);
            }
            catch (KafkaException ex)
            {
                OnFailure(ex.Error.Reason);
                return;
            }
            catch (Gds.Kafka.Wire.SchemaRegistryUnavailableException ex)
            {
                // A self-report is a gauge reading: the next one, a few seconds on, says the same; nothing to keep.
                OnFailure(ex.Message);
                return;
            }
        }
    }

    private void OnDelivered(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            OnFailure(report.Error.Reason);
            return;
        }
        if (Interlocked.Exchange(ref _failing, 0) == 1) _log.LogInformation("self-report: {Topic} takes records again", _topic);
    }

    private void OnFailure(string reason)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
            _log.LogWarning("self-report: {Topic} refused a record: {Reason} (create the topic: gds kafka and TopicCatalog do)", _topic, reason);
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        PublishOnce();
        _producer.Flush(TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _producer.Dispose();
        _stop.Dispose();
    }
}
