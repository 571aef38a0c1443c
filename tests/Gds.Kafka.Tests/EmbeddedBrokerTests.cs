using Gds.Kafka.Admin;
using Gds.Kafka.Clients;
using Gds.Kafka.Embedded;

namespace Gds.Kafka.Tests;

public class EmbeddedBrokerTests
{
    [Fact]
    public async Task A_record_produced_to_the_embedded_broker_is_consumed_by_a_group()
    {
        using var broker = EmbeddedBroker.Start();
        await new EmbeddedTopicCreator(broker).EnsureAsync([new TopicSpec("t1", 3)]);
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using (var producer = clients.CreateByteProducer("test"))
        {
            for (var i = 0; i < 10; i++)
                await producer.ProduceAsync("t1", new Message<byte[], byte[]> { Key = [(byte)i], Value = [(byte)(i * 2)] });
        }
        using var consumer = clients.CreateByteConsumer("g1", "test");
        consumer.Subscribe("t1");
        var got = new List<byte>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (got.Count < 10 && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is not null) got.Add(r.Message.Value[0]);
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)(i * 2)).Order(), got.Order());
    }

    [Fact]
    public async Task A_producer_waits_out_a_broker_outage_and_delivers_afterwards()
    {
        using var broker = EmbeddedBroker.Start();
        broker.CreateTopic("t2", 1);
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = clients.CreateByteProducer("test");
        await producer.ProduceAsync("t2", new Message<byte[], byte[]> { Value = [1] });
        broker.SetAllBrokersDown();
        var pending = producer.ProduceAsync("t2", new Message<byte[], byte[]> { Value = [2] });
        await Task.Delay(500);
        Assert.False(pending.IsCompleted);
        broker.SetAllBrokersUp();
        var result = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
    }

    [Fact]
    public void Topics_are_listed_once_even_when_created_twice()
    {
        using var broker = EmbeddedBroker.Start(brokers: 3);
        broker.CreateTopic("dup", 2, replicationFactor: 3);
        broker.CreateTopic("dup", 2);
        Assert.Single(broker.Topics, "dup");
        Assert.Contains(":", broker.BootstrapServers);
    }
}
