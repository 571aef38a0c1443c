using Gds.Telemetry.Lag;
using Streamiz.Kafka.Net.Kafka;

namespace Gds.Topology.Clients;

/// <summary>
/// Builds the Kafka clients of one KafkaStream as Streamiz would, except that each stream thread's main and restore
/// consumers are <see cref="GuardedConsumer"/>s reporting to <paramref name="liveness"/>, and the main consumer's
/// rebalance callbacks are logged (which partitions this process owns is what an operator asks first in a failover).
/// The main consumers' lag is watched by <paramref name="lag"/>. The global consumer (rules, silences) is left as it is.
/// </summary>
internal sealed class SupervisedClientBuilder(ThreadLiveness liveness, ILoggerFactory logs, ConsumerLag? lag = null) : DefaultKafkaClientBuilder
{
    public override ConsumerBuilder<byte[], byte[]> GetConsumerBuilder(ConsumerConfig config) =>
        new GuardedConsumerBuilder(config, liveness, logs.CreateLogger("Gds.Topology.Partitions"), lag);

    private sealed class GuardedConsumerBuilder(IEnumerable<KeyValuePair<string, string>> config, ThreadLiveness liveness, ILogger log, ConsumerLag? lag)
        : ConsumerBuilder<byte[], byte[]>(config)
    {
        public override IConsumer<byte[], byte[]> Build()
        {
            var thread = ThreadLiveness.ThreadOf(Setting("client.id"));
            if (PartitionsRevokedHandler is { } revoked)
            {
                // The stream thread's main consumer: the only one Streamiz gives rebalance callbacks.
                var guard = new CommitGuard(log, thread);
                var assigned = PartitionsAssignedHandler;
                PartitionsRevokedHandler = (c, partitions) =>
                {
                    log.LogInformation("{Thread}: partitions {Partitions} revoked", thread, Describe(partitions.Select(p => p.TopicPartition)));
                    return guard.Revoking(() => revoked(c, partitions));
                };
                if (assigned is not null)
                    PartitionsAssignedHandler = (c, partitions) =>
                    {
                        log.LogInformation("{Thread}: partitions {Partitions} assigned", thread, Describe(partitions));
                        return assigned(c, partitions);
                    };
                var consumer = base.Build();
                return new GuardedConsumer(consumer, liveness.For(thread), guard, lag?.Track(consumer));
            }
            if (Setting("group.id")?.EndsWith("-restore-group", StringComparison.Ordinal) == true)
                return new GuardedConsumer(base.Build(), liveness.For(thread), new CommitGuard(log, thread));
            return base.Build();
        }

        private string? Setting(string key) => Config.LastOrDefault(kv => kv.Key == key).Value;

        /// <summary>Every topic of the topology is co-partitioned: the partition numbers say what a thread owns.</summary>
        private static string Describe(IEnumerable<TopicPartition> partitions)
        {
            var numbers = partitions.Select(p => p.Partition.Value).Distinct().Order().ToList();
            return numbers.Count == 0 ? "(none)" : string.Join(",", numbers);
        }
    }
}
