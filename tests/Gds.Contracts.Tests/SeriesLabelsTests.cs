using Gds.Contracts.Serialization;

namespace Gds.Contracts.Tests;

public class SeriesLabelsTests
{
    [Fact]
    public void Labels_are_written_sorted_by_name_in_Prometheus_text_form()
    {
        var text = SeriesLabels.Format(new Dictionary<string, string> { ["mode"] = "share", ["database"] = "orders" });
        Assert.Equal("{database=\"orders\",mode=\"share\"}", text);
    }

    [Fact]
    public void No_labels_is_the_empty_string_so_an_unlabelled_series_keeps_its_old_identity()
    {
        Assert.Equal("", SeriesLabels.Format(null));
        Assert.Equal("", SeriesLabels.Format(new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("a \"quoted\" name")]
    [InlineData("back\\slash, comma and }brace{")]
    [InlineData("line\nbreak")]
    [InlineData("host:5432")]
    [InlineData("")]
    public void Any_value_survives_a_round_trip(string value)
    {
        var labels = new Dictionary<string, string> { ["database"] = value, ["z"] = "1" };
        var text = SeriesLabels.Format(labels);
        Assert.True(SeriesLabels.TryParse(text, out var back, out var error), error);
        Assert.Equal(labels.OrderBy(kv => kv.Key), back.OrderBy(kv => kv.Key));
    }

    [Theory]
    [InlineData("database=\"orders\"", "{name")]
    [InlineData("{database=orders}", "expected =\"value\"")]
    [InlineData("{1db=\"x\"}", "not a label name")]
    [InlineData("{db=\"x\",db=\"y\"}", "twice")]
    [InlineData("{db=\"x}", "closing quote")]
    public void Malformed_text_is_refused_with_the_reason(string text, string reason)
    {
        Assert.False(SeriesLabels.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_series_is_described_by_its_label_values_at_its_instance()
    {
        Assert.Equal("pg-1", SeriesLabels.Describe("pg-1", null));
        Assert.Equal("orders@pg-1", SeriesLabels.Describe("pg-1", new Dictionary<string, string> { ["database"] = "orders" }));
        Assert.Equal("ag1/r2@sql-1", SeriesLabels.Describe("sql-1", new Dictionary<string, string> { ["replica"] = "r2", ["availability_group"] = "ag1" }));
    }

    [Fact]
    public void A_metric_carries_labels_apart_from_tags_and_leaves_them_out_of_the_JSON_when_it_has_none()
    {
        var json = """{"timestamp":"2025-01-15T10:30:00Z","database_type":"postgresql","instance_id":"pg-1","metric_name":"pg_database_size_bytes","value":1,"tags":{"environment":"production"},"labels":{"database":"orders"}}""";
        var m = GdsJson.Deserialize<Metric>(json);
        Assert.Equal("orders", m.Labels["database"]);
        Assert.False(m.Tags.ContainsKey("database"));
        Assert.Equal("orders", m.LabelOrTag("database"));
        Assert.Equal("production", m.LabelOrTag("environment"));
        Assert.Contains("\"labels\":{\"database\":\"orders\"}", GdsJson.SerializeToString(m));

        var plain = m with { Labels = new Dictionary<string, string>() };
        Assert.Empty(plain.Labels);
        Assert.DoesNotContain("labels", GdsJson.SerializeToString(plain));
        Assert.Empty(GdsJson.Deserialize<Metric>(json.Replace(",\"labels\":{\"database\":\"orders\"}", ",\"labels\":null")).Labels);
    }
}
