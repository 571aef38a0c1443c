using System.Text;
using Confluent.Kafka;

namespace Gds.Warehouse.Tests.Consuming;

public class MetricRecordReaderTests
{
    private readonly MetricRecordReader _reader = new(TimeProvider.System, TimeSpan.FromDays(1), Gds.Kafka.Wire.RecordCodec.Json);

    private MetricRead Read(string? json, string topic = "gds.metrics.postgresql.production") => _reader.Read(new ConsumeResult<byte[], byte[]>
    {
        Topic = topic,
        Message = new Message<byte[], byte[]> { Value = json is null ? null! : Encoding.UTF8.GetBytes(json) },
    });

    [Fact]
    public void The_design_example_is_read()
    {
        var r = Read("""
            {"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"prod-db-01",
             "metric_name":"cpu_usage_percent","value":85.5,
             "tags":{"environment":"production","region":"us-east-1"},
             "metadata":{"collection_duration_ms":150,"version":"1.0","correlation_id":"7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234"}}
            """);

        Assert.Null(r.Error);
        Assert.Equal(("prod-db-01", 85.5, "production"), (r.Metric!.InstanceId, r.Metric.Value, r.Environment));
    }

    [Fact]
    public void Labels_are_read_apart_from_the_tags()
    {
        var r = Read("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"pg-1","metric_name":"pg_database_size_bytes","value":1,"tags":{"environment":"production"},"labels":{"database":"orders"}}""");

        Assert.Equal(("{database=\"orders\"}", 1), (Gds.Contracts.Metrics.SeriesLabels.Format(r.Metric!.Labels), r.Metric.Tags.Count));
    }

    [Fact]
    public void Without_an_environment_tag_the_topic_names_the_environment() =>
        Assert.Equal("staging", Read("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"mongodb","instance_id":"m1","metric_name":"x","value":1}""",
            "gds.metrics.mongodb.staging").Environment);

    [Fact]
    public void Null_tags_are_read_as_no_tags() =>
        Assert.Equal("eu-west-1", Read("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"mongodb","instance_id":"m1","metric_name":"x","value":1,"tags":{"region":"eu-west-1","team":null}}""")
            .Metric!.Tags.Single().Value);

    [Theory]
    [InlineData(null, "no value")]
    [InlineData("{not json", "Metric")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","value":1}""", "metric_name")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"","metric_name":"m","value":1}""", "instance_id is empty")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":"high"}""", "value")]
    [InlineData("""{"timestamp":"2999-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1}""", "in the future")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"labels":{"9db":"orders"}}""", "label name '9db' is not valid")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"labels":{"database":null}}""", "label database is null")]
    public void A_record_that_cannot_be_loaded_is_refused_naming_the_field(string? json, string expected)
    {
        var r = Read(json);

        Assert.Null(r.Metric);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_setting()
    {
        var o = new ImporterOptions { TopicPattern = "gds.metrics.*", Batch = { MaxRows = 0 }, Retention = { Days = 0 } };

        var result = new ImporterOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Warehouse:Batch:MaxRows"));
        Assert.Contains(result.Failures!, f => f.Contains("Warehouse:Retention:Days"));
        Assert.Contains(result.Failures!, f => f.Contains("Warehouse:TopicPattern must start with ^"));
        Assert.Equal(ValidateOptionsResult.Success, new ImporterOptionsValidator().Validate(null, new ImporterOptions()));
    }
}
