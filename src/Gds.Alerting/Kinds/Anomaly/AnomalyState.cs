using System.Buffers.Binary;
using System.Text.Json.Serialization;
using Gds.Alerting.State;

namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// One series' detector, fixed in size whatever its history (see <see cref="AnomalyDetector"/> for what each part
/// means). In the store it is one compact binary blob (base64 in the state's JSON, field "m"), written and read
/// bit for bit, so a restarted engine continues exactly where the stopped one was.
/// </summary>
public sealed class AnomalyState : KindState
{
    public const int Statistics = 5;
    public const int ProfileSlots = 48;
    /// <summary>Bumped when the layout changes; a blob of another version starts the series afresh.</summary>
    private const byte Version = 1;

    public long FirstAtTicks, LastAtTicks;
    public int Samples;
    public AnomalySeriesMode Mode;
    public bool Integral = true;
    public int Increases, Decreases;
    public double Previous;
    public double Level;
    public float Variance, Interval, Recent;
    /// <summary>The long-scale (~144 samples) mean surprise.</summary>
    public float Long;

    /// <summary>Hour-of-day profile (offsets from the level): weekdays in slots 0–23, weekends in 24–47.</summary>
    public readonly float[] Profile = new float[ProfileSlots];

    /// <summary>The short-, medium-scale mean surprise and the recent mean squared surprise.</summary>
    public float Short, Medium, Spread;

    /// <summary>Per statistic: its long-run mean and variance, the rate of its tail and the mean excess over the tail's threshold.</summary>
    public readonly float[] Mean = new float[Statistics], Scale = new float[Statistics], TailRate = new float[Statistics], TailExcess = new float[Statistics];

    public int Run, MaxRun, Moves;
    /// <summary>Weekend samples learned: the first weekend is learned, not judged.</summary>
    public int WeekendLearned;
    public float RepeatRate;
    public int Learned;

    /// <summary>The episode in progress: when it began, how many samples it has lasted, how many calm ones in a row.</summary>
    public long EpisodeAtTicks;
    public int EpisodeSamples, Calm;
    public AnomalyCause EpisodeCause;
    public float EpisodeRarity;
    public double EpisodeExpected;
    /// <summary>When the last surprises began (alerted or not), and until when a recurring one is kept quiet.</summary>
    public readonly long[] Surprises = new long[4];
    public long QuietUntilTicks;

    [JsonIgnore] public bool InEpisode => EpisodeAtTicks != 0;

    [JsonPropertyName("m")]
    public byte[] Model
    {
        get => Encode();
        set => Decode(value);
    }

    private const int Size = 1 + 8 * 2 + 4 * 3 + 2 + 4 * 4 + 8 * 2 + 4 * 4 + 4 * ProfileSlots + 4 * 3 + 4 * 4 * Statistics + 4 * 2 + 4 + 4 + 8 + 4 + 1 + 8 + 8 * 5;

    private byte[] Encode()
    {
        var b = new byte[Size];
        var w = new Writer(b);
        w.Byte(Version);
        w.Long(FirstAtTicks); w.Long(LastAtTicks);
        w.Int(Samples); w.Int(Increases); w.Int(Decreases);
        w.Byte((byte)Mode); w.Byte(Integral ? (byte)1 : (byte)0);
        w.Int(Run); w.Int(MaxRun); w.Int(Moves); w.Int(WeekendLearned);
        w.Double(Previous); w.Double(Level);
        w.Float(Long); w.Float(Variance); w.Float(Interval); w.Float(Recent);
        foreach (var f in Profile) w.Float(f);
        w.Float(Short); w.Float(Medium); w.Float(Spread);
        foreach (var a in (float[][])[Mean, Scale, TailRate, TailExcess]) foreach (var f in a) w.Float(f);
        w.Float(RepeatRate); w.Float(EpisodeRarity);
        w.Int(Learned);
        w.Int(Calm);
        w.Long(EpisodeAtTicks);
        w.Int(EpisodeSamples);
        w.Byte((byte)EpisodeCause);
        w.Double(EpisodeExpected);
        foreach (var l in Surprises) w.Long(l);
        w.Long(QuietUntilTicks);
        return b;
    }

    private void Decode(byte[] b)
    {
        if (b.Length != Size || b[0] != Version)
        {
            // Another layout (an older build): start over rather than misread it; the series re-learns.
            Samples = 0;
            return;
        }
        var r = new Reader(b);
        r.Byte();
        FirstAtTicks = r.Long(); LastAtTicks = r.Long();
        Samples = r.Int(); Increases = r.Int(); Decreases = r.Int();
        Mode = (AnomalySeriesMode)r.Byte(); Integral = r.Byte() == 1;
        Run = r.Int(); MaxRun = r.Int(); Moves = r.Int(); WeekendLearned = r.Int();
        Previous = r.Double(); Level = r.Double();
        Long = r.Float(); Variance = r.Float(); Interval = r.Float(); Recent = r.Float();
        for (var i = 0; i < Profile.Length; i++) Profile[i] = r.Float();
        Short = r.Float(); Medium = r.Float(); Spread = r.Float();
        foreach (var a in (float[][])[Mean, Scale, TailRate, TailExcess]) for (var i = 0; i < a.Length; i++) a[i] = r.Float();
        RepeatRate = r.Float(); EpisodeRarity = r.Float();
        Learned = r.Int();
        Calm = r.Int();
        EpisodeAtTicks = r.Long();
        EpisodeSamples = r.Int();
        EpisodeCause = (AnomalyCause)r.Byte();
        EpisodeExpected = r.Double();
        for (var i = 0; i < Surprises.Length; i++) Surprises[i] = r.Long();
        QuietUntilTicks = r.Long();
    }

    private ref struct Writer(byte[] b)
    {
        private int _at;
        public void Byte(byte v) => b[_at++] = v;
        public void Int(int v) { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(_at), v); _at += 4; }
        public void Long(long v) { BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(_at), v); _at += 8; }
        public void Float(float v) { BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(_at), v); _at += 4; }
        public void Double(double v) { BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(_at), v); _at += 8; }
    }

    private ref struct Reader(byte[] b)
    {
        private int _at;
        public byte Byte() => b[_at++];
        public int Int() { var v = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(_at)); _at += 4; return v; }
        public long Long() { var v = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(_at)); _at += 8; return v; }
        public float Float() { var v = BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(_at)); _at += 4; return v; }
        public double Double() { var v = BinaryPrimitives.ReadDoubleLittleEndian(b.AsSpan(_at)); _at += 8; return v; }
    }
}

public enum AnomalySeriesMode : byte { Undecided, Gauge, Counter }

/// <summary>What made an episode start: which of the detector's statistics was the most surprising.</summary>
public enum AnomalyCause : byte { Sample, Short, Medium, Spread, Long, Stall }
