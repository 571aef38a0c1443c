using Microsoft.Extensions.Logging;

namespace Gds.Topology.Tests;

/// <summary>
/// Streamiz keeps the logger factory of the last configuration in a static: a process that runs a verb after
/// another (tests in-process, `gds dev` restarting a stream) must not find the first verb's disposed factory there.
/// </summary>
public class StreamizLoggingTests
{
    private sealed class NoTopics : ITopicCreator
    {
        public Task EnsureAsync(IEnumerable<TopicSpec> topics, CancellationToken ct = default) => Task.CompletedTask;
    }

    [Fact]
    public void A_stream_configured_after_an_earlier_host_s_logging_was_disposed_still_builds()
    {
        var first = LoggerFactory.Create(b => b.AddConsole());
        var firstHost = new StreamsHost(new StreamsHostOptions { BootstrapServers = "127.0.0.1:1" }, new NoTopics(), first);
        // Building a stream is what hands Streamiz's static logger the host's factory.
        var builder = new StreamBuilder();
        builder.Stream<string, byte[]>("gds.metrics.postgresql.production").To("gds.alerts");
        using (new KafkaStream(builder.Build(), firstHost.Config())) { }
        first.Dispose();

        using var second = LoggerFactory.Create(b => b.AddConsole());
        var config = new StreamsHost(new StreamsHostOptions { BootstrapServers = "127.0.0.1:1" }, new NoTopics(), second).Config();

        Assert.Equal("127.0.0.1:1", config.BootstrapServers);
    }
}
