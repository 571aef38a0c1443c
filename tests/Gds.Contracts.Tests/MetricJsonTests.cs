using Gds.Contracts.Rules;
using Gds.Contracts.Serialization;

namespace Gds.Contracts.Tests;

public class MetricJsonTests
{
    private const string DesignSample = """
        {"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"prod-db-01",
         "metric_name":"cpu_usage_percent","value":85.5,
         "tags":{"environment":"production","region":"us-east-1"},
         "metadata":{"collection_duration_ms":150,"version":"1.0","correlation_id":"7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234"}}
        """;

    [Fact]
    public void The_design_documents_sample_reads_and_writes_back_with_the_same_field_names()
    {
        var m = GdsJson.Deserialize<Metric>(DesignSample);
        Assert.Equal("prod-db-01", m.InstanceId);
        Assert.Equal(85.5, m.Value);
        Assert.Equal("production", m.Environment);
        Assert.Equal(150, m.Metadata!.CollectionDurationMs);
        var json = GdsJson.SerializeToString(m);
        foreach (var name in new[] { "\"timestamp\"", "\"database_type\"", "\"instance_id\"", "\"metric_name\"", "\"value\"", "\"tags\"", "\"metadata\"", "\"collection_duration_ms\"", "\"correlation_id\"" })
            Assert.Contains(name, json);
        Assert.Equal(m, GdsJson.Deserialize<Metric>(json) with { Tags = m.Tags });
    }

    [Fact]
    public void A_metric_missing_a_required_field_is_rejected_naming_the_field()
    {
        var ex = Assert.Throws<RecordFormatException>(() => GdsJson.Deserialize<Metric>("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","value":1}"""));
        Assert.Contains("metric_name", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"tags\":null")]
    public void A_metric_without_tags_reads_as_empty_tags_and_the_unknown_environment(string tags)
    {
        var m = GdsJson.Deserialize<Metric>("{\"timestamp\":\"2025-01-15T10:30:00Z\",\"database_type\":\"postgresql\",\"instance_id\":\"x\",\"metric_name\":\"m\",\"value\":1" + tags + "}");
        Assert.Empty(m.Tags);
        Assert.Equal("unknown", m.Environment);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h30m", 5400)]
    [InlineData("3d", 259200)]
    [InlineData("500ms", 0.5)]
    public void Durations_parse(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text, "t"));

    [Theory]
    [InlineData("2 minutes")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("")]
    public void Bad_durations_are_rejected(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Fact]
    public void Duration_formatting_round_trips() => Assert.Equal(TimeSpan.FromSeconds(5430), DurationText.Parse(DurationText.Format(TimeSpan.FromSeconds(5430)), "t"));
}
