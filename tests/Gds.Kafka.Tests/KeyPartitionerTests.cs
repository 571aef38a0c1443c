using System.Text;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;

namespace Gds.Kafka.Tests;

public class KeyPartitionerTests
{
    [Fact]
    public void Crc32_is_the_standard_one() =>
        Assert.Equal(0xCBF43926u, KeyPartitioner.Crc32("123456789"u8));

    [Fact]
    public async Task It_picks_the_partition_librdkafka_picks_for_the_same_key()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopic("kp", 7);
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("kp-test")).Build();
        foreach (var key in new[] { "prod-db-01", "prod-db-02", "db1.example.com:5432", "snowflake-acct", "é-instance", "x" })
        {
            var r = await producer.ProduceAsync("kp", new Message<string, byte[]> { Key = key, Value = Encoding.UTF8.GetBytes(key) });
            Assert.Equal(r.Partition.Value, KeyPartitioner.PartitionFor(key, 7));
        }
    }
}
