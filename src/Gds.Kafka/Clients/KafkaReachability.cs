using Confluent.Kafka;

namespace Gds.Kafka.Clients;

/// <summary>
/// librdkafka retries a failing TLS or SASL handshake forever, each client on its own, and a verb would wait with
/// it; this asks the cluster for metadata once, up front, and turns a handshake the broker refuses into one clear
/// error. A cluster that is merely down is no verdict: the verbs have their own patience (the collector's spool).
/// </summary>
public static class KafkaReachability
{
    public static async Task CheckHandshakeAsync(KafkaClientFactory clients, TimeSpan patience, CancellationToken ct = default)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Error>();
        using var admin = new AdminClientBuilder(clients.AdminConfig("gds-reachability"))
            .SetErrorHandler((_, e) => errors.Enqueue(e))
            // Its log lines repeat what the error handler reports, once per retry.
            .SetLogHandler((_, _) => { })
            .Build();
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await Task.Run(() => admin.GetMetadata(TimeSpan.FromSeconds(1)), ct);
                return;
            }
            catch (KafkaException ex) when (IsHandshake(ex.Error))
            {
                throw Unreachable(clients, ex.Error);
            }
            catch (KafkaException)
            {
                if (errors.FirstOrDefault(IsHandshake) is { } e) throw Unreachable(clients, e);
            }
        }
        if (errors.FirstOrDefault(IsHandshake) is { } last) throw Unreachable(clients, last);
    }

    private static KafkaUnreachableException Unreachable(KafkaClientFactory clients, Error e) =>
        new($"cannot reach Kafka at {clients.BootstrapServers} over {clients.SecurityProtocol}: {e.Reason}");

    /// <summary>A TLS or SASL failure: retrying will not help until the configuration (or the broker's) changes.</summary>
    private static bool IsHandshake(Error e) =>
        e.Code is ErrorCode.Local_Ssl or ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed
            or ErrorCode.UnsupportedSaslMechanism or ErrorCode.IllegalSaslState
        || e.Reason.Contains("SSL", StringComparison.Ordinal) || e.Reason.Contains("SASL", StringComparison.Ordinal)
        || e.Reason.Contains("TLS", StringComparison.Ordinal);
}

/// <summary>The cluster refused this process's security settings: a configuration error, not a transient one.</summary>
public sealed class KafkaUnreachableException(string message) : Exception(message);
