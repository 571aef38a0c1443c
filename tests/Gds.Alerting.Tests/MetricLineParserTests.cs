using System.Globalization;
using System.Text;
using Gds.Alerting.Backtest;
using Xunit;

namespace Gds.Alerting.Tests;

/// <summary>The backtest's line parser reads the timestamps and tags a user writes the same whichever path it takes.</summary>
public sealed class MetricLineParserTimestampTests
{
    [Theory]
    [InlineData("2025-03-03T00:00:00Z")]
    [InlineData("2025-03-03T23:59:59.5Z")]
    [InlineData("2025-03-03T12:34:56.1234567Z")]
    [InlineData("2024-02-29T01:02:03.042Z")]
    [InlineData("2025-03-03T12:00:00+02:00")]
    [InlineData("2025-03-03T12:00:00.25-05:30")]
    public void A_timestamp_is_the_instant_it_names(string text)
    {
        var m = new MetricLineParser().Parse(Line(text, "{\"environment\":\"production\"}"));
        var expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(expected, m.Timestamp);
        Assert.Equal(expected.Offset, m.Timestamp.Offset);
    }

    [Theory]
    [InlineData("2025-02-29T00:00:00Z")]
    [InlineData("2025-03-03T24:00:00Z")]
    [InlineData("2025-13-03T00:00:00Z")]
    public void An_impossible_timestamp_is_refused(string text) =>
        Assert.Throws<FormatException>(() => new MetricLineParser().Parse(Line(text, "{}")));

    [Fact]
    public void Tags_that_repeat_are_shared_and_tags_that_change_are_read_anew()
    {
        var p = new MetricLineParser();
        var a = p.Parse(Line("2025-03-03T00:00:00Z", "{\"environment\":\"production\",\"region\":\"eu\"}"));
        var b = p.Parse(Line("2025-03-03T00:01:00Z", "{\"environment\":\"production\",\"region\":\"eu\"}"));
        var c = p.Parse(Line("2025-03-03T00:02:00Z", "{\"environment\":\"production\",\"region\":\"us\"}"));
        var d = p.Parse(Line("2025-03-03T00:03:00Z", "{\"environment\":\"production\"}"));
        var e = p.Parse(Line("2025-03-03T00:04:00Z", "{\"environment\":\"production\",\"environment\":\"staging\"}"));
        Assert.Same(a.Tags, b.Tags);
        Assert.Equal("us", c.Tags["region"]);
        Assert.Equal("eu", a.Tags["region"]);
        Assert.False(d.Tags.ContainsKey("region"));
        Assert.Equal("staging", e.Tags["environment"]);
    }

    private static byte[] Line(string timestamp, string tags) => Encoding.UTF8.GetBytes(
        $"{{\"database_type\":\"postgresql\",\"instance_id\":\"db-1\",\"metric_name\":\"m\",\"tags\":{tags},\"timestamp\":\"{timestamp}\",\"value\":1}}");
}
