using Gds.Topology.Emitted;

namespace Gds.Topology.Tests;

/// <summary>The stored form of what a series emitted: an upgrade must read what the previous build wrote.</summary>
public class EmittedEpisodeTests
{
    [Fact]
    public void An_episode_round_trips_with_its_end()
    {
        var e = new EmittedEpisode(638_000_000_000_000_000, 1_700_000_000_000, ["a1", "b2"], Resolved: true, 638_000_000_600_000_000);
        var back = EmittedEpisode.Decode(e.Encode());
        Assert.Equal((e.EpisodeStartTicks, e.WrittenAtMs, true, e.EndedAtTicks), (back.EpisodeStartTicks, back.WrittenAtMs, back.Resolved, back.EndedAtTicks));
        Assert.Equal(e.EventIds, back.EventIds);
    }

    [Fact]
    public void A_record_of_the_first_version_reads_as_an_open_episode()
    {
        // Version 1, as the build before the episode's end was kept wrote it: start, written-at, ids.
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write((byte)1);
            w.Write(638_000_000_000_000_000L);
            w.Write(1_700_000_000_000L);
            w.Write((byte)1);
            w.Write("a1");
        }
        var back = EmittedEpisode.Decode(buffer.ToArray());
        Assert.Equal((638_000_000_000_000_000L, 1_700_000_000_000L, false, 0L), (back.EpisodeStartTicks, back.WrittenAtMs, back.Resolved, back.EndedAtTicks));
        Assert.Equal(["a1"], back.EventIds);
    }

    [Fact]
    public void An_unknown_version_is_refused_by_number()
    {
        var ex = Assert.Throws<InvalidDataException>(() => EmittedEpisode.Decode([9, 0, 0]));
        Assert.Contains("version 9", ex.Message);
    }
}
