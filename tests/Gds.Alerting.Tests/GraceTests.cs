using Gds.Alerting.Tests.Support;
using Gds.Contracts.Serialization;
using static Gds.Alerting.Tests.Support.Harness;

namespace Gds.Alerting.Tests;

public sealed class GraceTests
{
    private const string Threshold = """
        rules:
          - id: hot
            kind: threshold
            selector: { metric: m }
            op: ">"
            value: 90
        """;

    [Fact]
    public void Without_grace_a_sample_older_than_the_series_newest_is_dropped_and_counted()
    {
        var h = new Harness(Threshold);
        h.Feed(Sec(0), 95).Feed(Sec(60), 95).Feed(Sec(30), 10);
        Assert.Single(h.Events); // fired; the late clear at 30s does not resolve it
        Assert.Equal(1, h.Engine.Counters.LateSamples);
    }

    [Fact]
    public void Within_the_grace_period_a_late_sample_is_placed_by_event_time()
    {
        // In event time: breach at 30s, clear at 60s. Arrival: 60s first, then 30s (30s late).
        var h = new Harness(Threshold, grace: TimeSpan.FromMinutes(1));
        h.Feed(Sec(60), 10).Feed(Sec(30), 95);
        Assert.Empty(h.Events); // both held: the newest is not yet a minute past them

        h.Feed(Sec(150), 10);
        Assert.Equal(["firing", "resolved"], h.Events.Select(e => e.Status));
        Assert.Equal((Sec(30), Sec(60)), (h.Events[1].StartsAt, h.Events[1].EndsAt!.Value));
        Assert.Equal(0, h.Engine.Counters.LateSamples);
    }

    [Fact]
    public void A_sample_older_than_one_already_folded_in_is_dropped()
    {
        // 200s is folded once 260s arrives (a minute later); 100s can then no longer be placed in order.
        var h = new Harness(Threshold, grace: TimeSpan.FromMinutes(1));
        h.Feed(Sec(0), 10).Feed(Sec(200), 10).Feed(Sec(260), 10).Feed(Sec(100), 95);
        Assert.Empty(h.Events);
        Assert.Equal(1, h.Engine.Counters.LateSamples);
    }

    [Fact]
    public void A_tick_releases_held_samples_once_the_clock_is_past_their_grace()
    {
        var h = new Harness(Threshold, grace: TimeSpan.FromSeconds(30));
        h.Feed(Sec(0), 95);
        h.Tick(Sec(29));
        Assert.Empty(h.Events);
        h.Tick(Sec(30));
        Assert.Equal(Sec(0), Assert.Single(h.Events).StartsAt);
    }

    [Fact]
    public void Held_samples_survive_a_round_trip_through_the_store_codec()
    {
        var h = new Harness(Threshold, grace: TimeSpan.FromMinutes(1));
        h.Feed(Sec(0), 95).Feed(Sec(10), 96);
        var (key, state) = h.Store.All().Single();
        var copy = State.SeriesStateCodec.Decode(State.SeriesStateCodec.Encode(state));
        Assert.Equal(2, copy.Reorder!.Count);
        h.Store.Put(key, copy);
        h.Tick(Sec(120));
        Assert.Single(h.Events);
    }
}
