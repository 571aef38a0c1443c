using System.Text;
using Gds.Monitor.Publishing.Spool;

namespace Gds.Monitor.Tests.Publishing;

public sealed class DiskSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gds-spool-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static SpoolRecord Record(string key, int n) =>
        new("gds.metrics.postgresql.test", Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{{\"n\":{n},\"pad\":\"{new string('x', 100)}\"}}"));

    private static int N(SpoolRecord r) => int.Parse(Encoding.UTF8.GetString(r.Value).Split(',')[0]["{\"n\":".Length..]);

    private static List<SpoolEntry> Drain(DiskSpool spool)
    {
        var list = new List<SpoolEntry>();
        while (spool.TryRead(out var e)) list.Add(e);
        return list;
    }

    private int SegmentFiles() => Directory.GetFiles(_dir, "*.seg").Length;

    [Fact]
    public void Records_come_out_in_append_order_once_committed_and_leave_when_acknowledged()
    {
        using var spool = new DiskSpool(_dir, 64 * 1024, 4096);
        for (var i = 0; i < 10; i++) spool.Append(Record("a", i));
        Assert.False(spool.TryRead(out _)); // not committed yet
        for (var i = 10; i < 100; i++) spool.Append(Record("a", i));
        spool.Commit();

        var entries = Drain(spool);
        Assert.Equal(Enumerable.Range(0, 100), entries.Select(e => N(e.Record)));
        Assert.Equal(100, spool.Pending);
        Assert.True(SegmentFiles() > 3);

        foreach (var e in entries) spool.Ack(e);
        Assert.Equal(0, spool.Pending);
        Assert.Equal(spool.NextSequence, spool.LowestOutstanding());
        Assert.Equal(1, SegmentFiles()); // only the active segment remains
    }

    [Fact]
    public void A_full_spool_drops_its_oldest_records_and_counts_them_per_key()
    {
        using var spool = new DiskSpool(_dir, 16 * 1024, 4096);
        for (var i = 0; i < 400; i++)
        {
            spool.Append(Record(i % 2 == 0 ? "even" : "odd", i));
            spool.Commit();
        }
        Assert.True(spool.Bytes <= 16 * 1024, $"{spool.Bytes} bytes on disk");
        var kept = Drain(spool).Select(e => N(e.Record)).ToList();
        Assert.Equal(399, kept[^1]);
        Assert.Equal(Enumerable.Range(kept[0], kept.Count), kept); // the newest, contiguous, in order
        Assert.Equal(400 - kept.Count, spool.Dropped);
        Assert.Equal(kept[0] / 2, spool.DroppedFor("even"));
        Assert.Equal(spool.Dropped - spool.DroppedFor("even"), spool.DroppedFor("odd"));
        Assert.Equal(kept.Count, spool.Pending);
    }

    [Fact]
    public void Records_in_flight_when_their_segment_is_dropped_are_not_counted_as_dropped()
    {
        using var spool = new DiskSpool(_dir, 16 * 1024, 4096);
        for (var i = 0; i < 20; i++) spool.Append(Record("k", i));
        spool.Commit();
        var inFlight = Enumerable.Range(0, 5).Select(_ => { Assert.True(spool.TryRead(out var e)); return e; }).ToList();
        for (var i = 20; i < 400; i++) spool.Append(Record("k", i));
        spool.Commit();
        foreach (var e in inFlight) spool.Ack(e); // delivered after all
        var rest = Drain(spool);
        Assert.Equal(400 - 5 - rest.Count, spool.Dropped);
        Assert.Equal(rest.Count, spool.Pending);
    }

    [Fact]
    public void A_new_process_sends_what_the_last_one_left_and_cuts_a_torn_tail()
    {
        using (var spool = new DiskSpool(_dir, 64 * 1024, 4096))
        {
            for (var i = 0; i < 50; i++) spool.Append(Record("a", i));
            spool.Commit();
            var first = Drain(spool).Take(10).ToList();
            foreach (var e in first) spool.Ack(e); // the first segment is not complete: it stays
        }
        var last = Directory.GetFiles(_dir, "*.seg").Order().Last();
        File.AppendAllText(last, "\u0042\u0000\u0000\u0000garbage of a crash mid-write");

        using var reopened = new DiskSpool(_dir, 64 * 1024, 4096);
        var again = Drain(reopened).Select(e => N(e.Record)).ToList();
        // Whole segments are replayed: records acknowledged inside a partly sent segment come again (at-least-once after a restart).
        Assert.Equal(Enumerable.Range(again[0], 50 - again[0]), again);
        Assert.True(again[0] <= 10);
        Assert.Equal(again.Count, reopened.Pending);
    }

    [Fact]
    public void A_spool_closed_with_everything_delivered_leaves_nothing_to_send_again()
    {
        using (var spool = new DiskSpool(_dir, 64 * 1024, 4096))
        {
            for (var i = 0; i < 5; i++) spool.Append(Record("a", i));
            spool.Commit();
            foreach (var e in Drain(spool)) spool.Ack(e);
        }
        Assert.Equal(0, SegmentFiles());
        using var reopened = new DiskSpool(_dir, 64 * 1024, 4096);
        Assert.Equal(0, reopened.Pending);
        Assert.False(reopened.TryRead(out _));
    }

    [Fact]
    public void Rewind_hands_out_again_only_what_was_not_acknowledged()
    {
        using var spool = new DiskSpool(_dir, 64 * 1024, 4096);
        for (var i = 0; i < 10; i++) spool.Append(Record("a", i));
        spool.Commit();
        var all = Drain(spool);
        foreach (var e in all.Where(e => N(e.Record) % 3 == 0)) spool.Ack(e);
        spool.Rewind();
        Assert.Equal([1, 2, 4, 5, 7, 8], Drain(spool).Select(e => N(e.Record)));
    }

    [Fact]
    public void Two_processes_cannot_share_a_spool_directory()
    {
        using var first = new DiskSpool(_dir, 64 * 1024, 4096);
        var ex = Assert.Throws<IOException>(() => new DiskSpool(_dir, 64 * 1024, 4096));
        Assert.Contains("in use by another collector process", ex.Message);
    }
}
