using Gds.Alerting.Hygiene;
using Gds.Kafka.Configuration;

namespace Gds.Topology.Tests;

/// <summary>What the host hands Streamiz and the stream tasks: the shared Kafka security settings, the Hygiene section.</summary>
public class StreamsHostConfigurationTests
{
    private sealed class NoTopics : ITopicCreator
    {
        public Task EnsureAsync(IEnumerable<TopicSpec> topics, CancellationToken ct = default) => Task.CompletedTask;
    }

    [Fact]
    public void Streamiz_gets_the_security_settings_every_other_client_gets()
    {
        var kafka = new KafkaClientFactory(new KafkaOptions
        {
            BootstrapServers = "kafka-1:9093", SecurityProtocol = "SASL_SSL", SaslMechanism = "SCRAM-SHA-256",
            SaslUsername = "gds", SaslPassword = "pw-1234",
        });
        var host = new StreamsHost(new StreamsHostOptions { BootstrapServers = kafka.BootstrapServers, KafkaProperties = kafka.Properties }, new NoTopics());

        var config = host.Config();

        Assert.Equal("kafka-1:9093", config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha256, config.SaslMechanism);
        Assert.Equal("gds", config.SaslUsername);
        Assert.Equal("pw-1234", config.SaslPassword);
        // The clients Streamiz builds from it: its consumers, producers and admin client.
        var consumer = config.ToConsumerConfig("c");
        Assert.Equal(SecurityProtocol.SaslSsl, consumer.SecurityProtocol);
        Assert.Equal(SecurityProtocol.SaslSsl, config.ToProducerConfig("p").SecurityProtocol);
        Assert.Equal(SecurityProtocol.SaslSsl, config.ToAdminConfig("a").SecurityProtocol);
        Assert.Equal("gds", config.ToGlobalConsumerConfig("g").SaslUsername);
    }

    [Fact]
    public void The_hygiene_settings_reach_the_stream_tasks()
    {
        var host = new StreamsHost(new StreamsHostOptions
        {
            BootstrapServers = "b:9092",
            Hygiene = new HygieneOptions { AckClockTolerance = TimeSpan.FromMinutes(3), ExpireWhenClearGrace = TimeSpan.FromMinutes(7) },
        }, new NoTopics());

        Assert.Equal(TimeSpan.FromMinutes(3), host.Models.Hygiene.Value.AckClockTolerance);
        Assert.Equal(TimeSpan.FromMinutes(7), host.Models.Hygiene.Value.ExpireWhenClearGrace);
    }
}
