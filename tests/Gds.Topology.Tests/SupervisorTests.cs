using Gds.Topology.Clients;
using Gds.Topology.Tests.Support;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace Gds.Topology.Tests;

/// <summary>The supervisor replaces a stream that cannot go on by itself, and the new one carries on.</summary>
public class SupervisorTests
{
    private const string In = "supervised-in";
    private const string Out = "supervised-out";

    [Fact]
    public async Task A_stream_with_a_thread_that_stopped_polling_is_replaced_and_the_new_one_carries_on()
    {
        using var broker = StartBroker();
        var logs = new ListLogger();
        var created = new List<int>();
        await using var supervisor = new StreamSupervisor(n =>
        {
            created.Add(n);
            var liveness = new ThreadLiveness();
            // The first stream has a thread that never polls, as Streamiz's thread does once it is stuck.
            if (n == 1) liveness.For("stuck-thread");
            return new StreamIncarnation(new KafkaStream(CopyTopology(_ => { }), Config(broker, "supervised-stall")), liveness, n);
        }, TimeSpan.FromSeconds(3), logs.CreateLogger("supervisor"));
        await supervisor.StartAsync(CancellationToken.None);

        await EventuallyAsync(() => supervisor.Restarts == 1 && supervisor.State == KafkaStream.State.RUNNING, "a restart and a running stream");
        Assert.Equal([1, 2], created);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Text.Contains("stream thread stuck-thread has not polled Kafka for"));
        Assert.Equal(["hello"], await RoundTripAsync(broker, ["hello"]));
        Assert.Equal(1, supervisor.Restarts);
    }

    [Fact]
    public async Task A_stream_that_failed_is_replaced_and_the_record_it_failed_on_is_processed_by_the_next()
    {
        using var broker = StartBroker();
        var failures = 0;
        await using var supervisor = new StreamSupervisor(n => new StreamIncarnation(
            new KafkaStream(CopyTopology(v =>
            {
                // Fails once, as a bug or a broken dependency would: Streamiz's thread dies and the stream goes to ERROR.
                if (v == "boom" && Interlocked.Increment(ref failures) == 1) throw new InvalidOperationException("boom");
            }), Config(broker, "supervised-error")), new ThreadLiveness(), n), TimeSpan.FromSeconds(30), new ListLogger().CreateLogger("supervisor"));
        await supervisor.StartAsync(CancellationToken.None);
        await EventuallyAsync(() => supervisor.State == KafkaStream.State.RUNNING, "the stream to run");

        Assert.Equal(["boom"], await RoundTripAsync(broker, ["boom"]));
        Assert.Equal(1, supervisor.Restarts);
    }

    [Fact]
    public async Task A_stream_that_fails_while_its_registry_is_down_waits_for_the_registry_instead_of_restarting_towards_giving_up()
    {
        using var broker = StartBroker();
        var logs = new ListLogger();
        string? down = null;
        var created = 0;
        await using var supervisor = new StreamSupervisor(n =>
        {
            Interlocked.Increment(ref created);
            return new StreamIncarnation(new KafkaStream(CopyTopology(_ =>
            {
                // As a stream thread fails on a record it cannot decode while the schema registry is down.
                if (Volatile.Read(ref down) is { } why) throw new InvalidOperationException(why);
            }), Config(broker, "supervised-outage")), new ThreadLiveness(), n);
        }, TimeSpan.FromSeconds(30), logs.CreateLogger("supervisor"), _ => Task.FromResult(Volatile.Read(ref down)));
        await supervisor.StartAsync(CancellationToken.None);
        await EventuallyAsync(() => supervisor.State == KafkaStream.State.RUNNING, "the stream to run");

        Volatile.Write(ref down, "the schema registry at http://registry:8081 does not answer");
        var roundTrip = RoundTripAsync(broker, ["sample"]);
        await EventuallyAsync(() => logs.Entries.Any(e => e.Text.Contains("the stream waits: the schema registry at http://registry:8081 does not answer")),
            "the supervisor to wait for the registry");
        // Counted as failures, restarts after 1, 2, 4 … s would have made 3 streams by now and given up within a minute.
        var outageEnds = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < outageEnds)
        {
            Assert.Equal(1, Volatile.Read(ref created));
            Assert.False(supervisor.Failed.IsCompleted);
            await Task.Delay(100);
        }

        Volatile.Write(ref down, null);
        Assert.Equal(["sample"], await roundTrip);
        Assert.Equal(2, created);
        Assert.Equal(1, supervisor.Restarts);
        Assert.Contains(logs.Entries, e => e.Text.Contains("the stream goes on after"));
    }

    private static EmbeddedBroker StartBroker()
    {
        var broker = EmbeddedBroker.Start();
        new EmbeddedTopicCreator(broker).EnsureAsync([new TopicSpec(In, 1), new TopicSpec(Out, 1)]).GetAwaiter().GetResult();
        return broker;
    }

    private static Streamiz.Kafka.Net.Stream.Topology CopyTopology(Action<string> inspect)
    {
        var builder = new StreamBuilder();
        builder.Stream<string, string>(In).MapValues((v, _) => { inspect(v); return v; }).To(Out);
        return builder.Build();
    }

    private static StreamConfig<StringSerDes, StringSerDes> Config(EmbeddedBroker broker, string applicationId) => new()
    {
        ApplicationId = applicationId,
        BootstrapServers = broker.BootstrapServers,
        StateDir = Path.Combine(Path.GetTempPath(), $"gds-supervised-{Guid.NewGuid():N}"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
        CommitIntervalMs = 200,
        SessionTimeoutMs = 6000,
        Logger = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
    };

    private static async Task<List<string>> RoundTripAsync(EmbeddedBroker broker, IReadOnlyList<string> values)
    {
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using (var producer = new ProducerBuilder<string, string>(clients.ProducerConfig("t")).Build())
            foreach (var v in values) await producer.ProduceAsync(In, new Message<string, string> { Key = "k", Value = v });
        using var consumer = new ConsumerBuilder<string, string>(clients.ConsumerConfig("t-" + Guid.NewGuid().ToString("N"), "t")).Build();
        consumer.Assign(new TopicPartitionOffset(Out, 0, Offset.Beginning));
        var got = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (got.Count < values.Count && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } r) got.Add(r.Message.Value);
        return got;
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(100);
        }
    }
}
