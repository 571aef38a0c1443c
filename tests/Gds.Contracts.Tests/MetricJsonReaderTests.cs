using System.Text;
using Gds.Contracts.Serialization;

namespace Gds.Contracts.Tests;

/// <summary>The fast reader must read exactly what the contract's serializer reads, or refuse with a reason.</summary>
public class MetricJsonReaderTests
{
    private const string DesignExample =
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"prod-db-01","metric_name":"cpu_usage_percent","value":85.5,"tags":{"environment":"production","region":"us-east-1"},"metadata":{"collection_duration_ms":150,"version":"1.0","correlation_id":"7f9c1c7e-8b61-4d9d-9a10-9b3a6a7b1234"}}""";

    public static TheoryData<string> Accepted => new()
    {
        DesignExample,
        """{"value":-1e3,"metric_name":"x_total","instance_id":"é\u00e9","database_type":"mongodb","timestamp":"2025-01-15T10:30:00.123456+02:00","extra":{"nested":[1,2,{"a":null}]}}""",
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"mssql","instance_id":"a","metric_name":"m","value":0, /* comment */ "tags":{},"metadata":{"version":"2.0"},}""",
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"mssql","instance_id":"a","metric_name":"m","value":1,"value":2}""",
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"a","metric_name":"pg_locks","value":3,"tags":{"environment":"production"},"labels":{"mode":"share","database":"or\u0064ers \"x\""}}""",
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"a","metric_name":"m","value":3,"labels":{}}""",
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":"85.5"}""", // number as string
        """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"tags":null}""",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void What_it_reads_equals_what_the_serializer_reads(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(new MetricJsonReader().TryRead(bytes, out var fast, out var error), error);
        var reference = GdsJson.Deserialize<Metric>(bytes);
        Assert.Equal(reference with { Tags = null!, Labels = null!, Metadata = null }, fast! with { Tags = null!, Labels = null!, Metadata = null });
        // The serializer leaves absent tags null (MetricRecordReader makes that empty); the fast path gives empty.
        Assert.Equal((reference.Tags ?? new Dictionary<string, string>()).OrderBy(t => t.Key), fast.Tags.OrderBy(t => t.Key));
        Assert.Equal(SeriesLabels.Format(reference.Labels), SeriesLabels.Format(fast.Labels));
        Assert.Equal(reference.Metadata, fast.Metadata);
    }

    [Theory]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m"}""", "missing required field 'value'")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":"NaN"}""", "value: not a number")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"tags":{"a":null}}""", "tags.a: must be a string")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"labels":{"database":1}}""", "labels.database: must be a string")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"labels":{"9db":"orders"}}""", "label name '9db' is not valid")]
    [InlineData("""{"timestamp":"yesterday","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1}""", "timestamp: not an ISO 8601")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1} trailing""", "")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1""", "")]
    public void Anything_else_is_refused_with_a_reason(string json, string reason)
    {
        Assert.False(new MetricJsonReader().TryRead(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Null_labels_read_as_none() =>
        Assert.Empty(Assert.IsType<Metric>(new MetricJsonReader().TryRead(
            """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1,"labels":null}"""u8, out var m, out _) ? m : null).Labels);

    [Fact]
    public void Repeated_strings_and_tag_sets_are_shared_between_records_and_read_the_same()
    {
        var reader = new MetricJsonReader();
        var second = DesignExample.Replace("85.5", "86.5").Replace("7f9c1c7e", "00000000");
        var otherTags = DesignExample.Replace("us-east-1", "eu-west-1");
        var escaped = DesignExample.Replace("prod-db-01", "prod\u002ddb-01");

        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(DesignExample), out var a, out _));
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(second), out var b, out _));
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(otherTags), out var c, out _));
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(escaped), out var d, out _));

        Assert.Equal((86.5, "00000000-8b61-4d9d-9a10-9b3a6a7b1234"), (b!.Value, b.Metadata!.CorrelationId));
        Assert.Same(a!.Tags, b.Tags);
        Assert.Same(a.InstanceId, b.InstanceId);
        Assert.Same(a.MetricName, b.MetricName);
        Assert.NotSame(a.Tags, c!.Tags);
        Assert.Equal("eu-west-1", c.Tags["region"]);
        Assert.Equal("us-east-1", a.Tags["region"]);
        Assert.Equal("prod-db-01", d!.InstanceId);
        Assert.Empty(a.Labels);
        foreach (var json in new[] { DesignExample, second, otherTags, escaped })
        {
            var reference = GdsJson.Deserialize<Metric>(Encoding.UTF8.GetBytes(json));
            Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(json), out var again, out _));
            Assert.Equal(reference with { Tags = null!, Metadata = null }, again! with { Tags = null!, Metadata = null });
            Assert.Equal(reference.Tags.OrderBy(t => t.Key), again.Tags.OrderBy(t => t.Key));
        }
    }

    [Fact]
    public void Repeated_label_sets_are_shared_between_records_and_each_record_keeps_its_own()
    {
        var reader = new MetricJsonReader();
        string Record(string database, double value) =>
            $$$"""{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"pg-1","metric_name":"pg_database_size_bytes","value":{{{value}}},"tags":{"environment":"production"},"labels":{"database":"{{{database}}}"}}""";

        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(Record("orders", 1)), out var orders, out _));
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(Record("billing", 2)), out var billing, out _));
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(Record("orders", 3)), out var ordersAgain, out _));

        Assert.Equal("orders", orders!.Labels["database"]);
        Assert.Equal("billing", billing!.Labels["database"]);
        Assert.Same(orders.Labels, ordersAgain!.Labels);
        Assert.Same(orders.Tags, billing.Tags);
    }

    [Fact]
    public void Fields_that_alternate_between_records_read_each_record_its_own_values()
    {
        // Each field is first compared with the record before; values of one length that take turns must not mix.
        var reader = new MetricJsonReader();
        string Record(int n) =>
            $$$"""{"timestamp":"2025-01-15T10:3{{{n}}}:00Z","database_type":"postgresql","instance_id":"db-0{{{n % 2}}}","metric_name":"m_{{{n % 2}}}","value":{{{n}}},"tags":{"environment":"env-{{{n % 2}}}"}}""";
        for (var n = 0; n < 6; n++)
        {
            Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(Record(n)), out var m, out _));
            Assert.Equal(($"db-0{n % 2}", $"m_{n % 2}", $"env-{n % 2}", (double)n), (m!.InstanceId, m.MetricName, m.Tags["environment"], m.Value));
        }
    }

    [Fact]
    public void A_tag_set_seen_before_does_not_let_the_same_bytes_through_as_labels_with_a_bad_name()
    {
        var reader = new MetricJsonReader();
        const string Head = """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"a","metric_name":"m","value":1,""";

        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(Head + """ "tags":{"9db":"x"}}"""), out _, out _));
        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes(Head + """ "labels":{"9db":"x"}}"""), out _, out _));
    }
    /// <summary>The collectors' UTC form is read digit by digit; every other form, and every bad one, as the serializer reads it.</summary>
    [Theory]
    [InlineData("2025-01-15T10:30:00Z")]
    [InlineData("2025-01-15T10:30:00.5Z")]
    [InlineData("2025-01-15T10:30:00.1234567Z")]
    [InlineData("2025-01-15T10:30:00.12345678Z")]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("2025-01-15T10:30:00+02:00")]
    [InlineData("2025-01-15T10:30Z")]
    [InlineData("2025-02-29T10:30:00Z")]
    [InlineData("2025-13-01T10:30:00Z")]
    [InlineData("2025-01-15T24:00:00Z")]
    [InlineData("2025-01-15T10:60:00Z")]
    [InlineData("2025-01-15T10:30:60Z")]
    [InlineData("2025-01-15T10:30:00.Z")]
    [InlineData("2025-01-15 10:30:00Z")]
    [InlineData("2025-01-15T10:30:00z")]
    [InlineData("2025-0a-15T10:30:00Z")]
    [InlineData("0000-01-15T10:30:00Z")]
    [InlineData("2025-01-15T10:30:00.12a4Z")]
    public void Timestamps_are_read_as_the_serializer_reads_them(string timestamp)
    {
        var json = $$"""{"timestamp":"{{timestamp}}","database_type":"postgresql","instance_id":"x","metric_name":"m","value":1}""";
        DateTimeOffset? expected;
        try { expected = System.Text.Json.JsonSerializer.Deserialize<DateTimeOffset>($"\"{timestamp}\""); }
        catch (System.Text.Json.JsonException) { expected = null; }
        var ok = new MetricJsonReader().TryRead(Encoding.UTF8.GetBytes(json), out var metric, out var error);
        if (expected is null)
        {
            Assert.False(ok);
            Assert.Equal("timestamp: not an ISO 8601 date and time", error);
        }
        else
        {
            Assert.True(ok, error);
            Assert.Equal(expected.Value, metric!.Timestamp);
            Assert.Equal(expected.Value.Offset, metric.Timestamp.Offset);
        }
    }
}
