namespace Gds.Topology.Emitted;

/// <summary>
/// What a series has emitted lately: the start of its latest episode (event time), the ids of the events emitted
/// in it, whether it has resolved and, when a sample of the series resolved it, that sample's time (else 0), and when
/// this was last written (wall clock), which bounds how long it is kept.
/// </summary>
internal sealed record EmittedEpisode(long EpisodeStartTicks, long WrittenAtMs, IReadOnlyList<string> EventIds,
    bool Resolved = false, long EndedAtTicks = 0)
{
    /// <summary>
    /// An episode emits a firing, its repeats, an ack, escalation steps, release notices and a resolve: a few ids.
    /// Past this many the oldest are forgotten (a repeat that old is no longer reachable by reprocessing).
    /// </summary>
    public const int MaxIds = 32;

    /// <summary>Version 2 added the resolution and its time; version 1 records (written before) read as open episodes.</summary>
    private const byte Version = 2;

    public byte[] Encode()
    {
        using var buffer = new MemoryStream(24 + EventIds.Count * 34);
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(Version);
            w.Write(EpisodeStartTicks);
            w.Write(WrittenAtMs);
            w.Write((byte)EventIds.Count);
            foreach (var id in EventIds) w.Write(id);
            w.Write(Resolved);
            w.Write(EndedAtTicks);
        }
        return buffer.ToArray();
    }

    public static EmittedEpisode Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var version = r.ReadByte();
        if (version is not (1 or Version)) throw new InvalidDataException($"unknown emitted-episode record version {version}");
        var start = r.ReadInt64();
        var written = r.ReadInt64();
        var count = r.ReadByte();
        var ids = new string[count];
        for (var i = 0; i < count; i++) ids[i] = r.ReadString();
        if (version < 2) return new EmittedEpisode(start, written, ids);
        var resolved = r.ReadBoolean();
        return new EmittedEpisode(start, written, ids, resolved, r.ReadInt64());
    }
}
