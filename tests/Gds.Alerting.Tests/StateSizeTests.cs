using Gds.Alerting.Tests.Support;
using Xunit.Abstractions;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

/// <summary>Series state is written to a changelog on every sample: it must stay small whatever the history.</summary>
public sealed class StateSizeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("kind: burn_rate\n    objective: 99.9\n    bad_metric: bad\n    total_metric: m", 4096)]
    [InlineData("kind: anomaly\n    selector: { metric: m }\n    seasonality: 24h", 2000)]
    [InlineData("kind: anomaly\n    selector: { metric: m }", 1400)]
    [InlineData("kind: absence\n    selector: { metric: m }\n    timeout: 5m", 1000)]
    public void A_day_of_samples_leaves_a_state_of_bounded_size(string body, int maxBytes)
    {
        var h = new Harness("rules:\n  - id: r\n    " + (body.Contains("selector") ? "" : "selector: { }\n    ") + body + "\n");
        var rng = new Random(1);
        for (var k = 0; k < 2880; k++)
        {
            h.Feed(Sec(k * 30), k * 2, "bad");
            h.Feed(Sec(k * 30), k * 1000 + rng.NextDouble() * 10);
        }
        var size = SeriesStateCodec.Encode(h.Store.All().Single().Value).Length;
        output.WriteLine($"{body.Split('\n')[0]}: {size} bytes");
        Assert.InRange(size, 1, maxBytes);
    }
}
