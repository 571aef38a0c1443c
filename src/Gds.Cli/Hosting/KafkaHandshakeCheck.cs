using Gds.Kafka.Clients;
using Microsoft.Extensions.Hosting;

namespace Gds.Cli.Hosting;

/// <summary>
/// The first hosted service: a cluster that refuses this process's TLS or SASL settings stops the verb before it
/// starts (librdkafka would retry the handshake forever). A cluster that does not answer lets the verb start.
/// </summary>
public sealed class KafkaHandshakeCheck(KafkaClientFactory clients) : IHostedService
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => KafkaReachability.CheckHandshakeAsync(clients, Patience, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
