using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Gds.Alerting.State;

namespace Gds.Alerting.Kinds.Anomaly;

/// <summary>
/// One series' detector, fixed in size whatever its history (see <see cref="AnomalyDetector"/> for what each part
/// means). It lives as one compact binary blob, in memory as in the store (base64 in the state's JSON, field "m"):
/// the properties below are views of it, read and written in place, so a live series costs its bytes and one
/// object header (no arrays, no object per part), and a restarted engine continues bit for bit where the stopped
/// one was.
/// </summary>
public sealed class AnomalyState : KindState
{
    public const int Statistics = 6;
    public const int ProfileSlots = 48;
    public const int SurpriseSlots = 8;
    /// <summary>Bumped when the layout changes; a blob of an unknown version starts the series afresh.</summary>
    private const byte Version = 4;

    // The layout (little-endian, unaligned). Version 4 adds the sample test's mean log-excess (its tail index, see
    // AnomalyDetector.SampleTailIndex) at the end, and the flag of a weekend in progress (bit 16 of the flags byte at
    // ORunsOver, clear in a version 3 blob). Version 3 adds the context statistic (a sixth entry in each
    // per-statistic array), the sample's and the context's runs over their tail thresholds, the level before the
    // last accepted episode and when the current quiet began. Version 2 remembers eight surprises
    // instead of four, the last near-alert and the noise by hour. Older versions are read, not discarded (see
    // Model): an upgrade does not send every anomaly series back to its warm-up. The byte of flags at ORunsOver
    // gained the log-scale bit (8) within version 3: a blob written before it has the bit clear, which is exactly how
    // that build judged its counters, so it needs no new version.
    private const int OWarmupSince = 1, OLastAt = 9, OSamples = 17, OIncreases = 21, ODecreases = 25, OMode = 29, OIntegral = 30;
    private const int ORun = 31, OMaxRun = 35, OMoves = 39, OWeekendLearned = 43, OPrevious = 47, OLevel = 55;
    private const int OLong = 63, OVariance = 67, OInterval = 71, ORecent = 75, OProfile = 79;
    private const int OShort = OProfile + 4 * ProfileSlots, OMedium = OShort + 4, OSpread = OMedium + 4;
    private const int OMean = OSpread + 4, OScale = OMean + 4 * Statistics, OTailRate = OScale + 4 * Statistics, OTailExcess = OTailRate + 4 * Statistics;
    private const int ORepeatRate = OTailExcess + 4 * Statistics, OEpisodeRarity = ORepeatRate + 4, OLearned = OEpisodeRarity + 4, OCalm = OLearned + 4;
    private const int OEpisodeAt = OCalm + 4, OEpisodeSamples = OEpisodeAt + 8, OEpisodeCause = OEpisodeSamples + 4, OEpisodeExpected = OEpisodeCause + 1;
    private const int OSurprises = OEpisodeExpected + 8, OQuietUntil = OSurprises + 8 * SurpriseSlots;
    private const int OLastNearAlert = OQuietUntil + 8, ONoise = OLastNearAlert + 8;
    private const int ORunsOver = ONoise + 4 * ProfileSlots, OContextPeak = ORunsOver + 1;
    private const int OPreviousLevel = OContextPeak + 4, OReturnUntil = OPreviousLevel + 8, OQuietSince = OReturnUntil + 8;
    private const int OSamplePeak = OQuietSince + 8, OSampleTailLog = OSamplePeak + 4;
    public const int Size = OSampleTailLog + 4;

    // Version 2: five statistics, so each per-statistic array is one float shorter, and nothing after the hours' noise.
    private const int V3Size = OSampleTailLog;
    private const int V2Statistics = 5, V2Size = ORunsOver - 4 * 4;
    private const int V2ORepeatRate = OMean + 4 * 4 * V2Statistics;
    // Version 1: version 2 up to its first four surprise slots, then the quiet-until time.
    private const int V1SurpriseSlots = 4, V2OSurprises = OSurprises - 4 * 4, V1Size = V2OSurprises + 8 * V1SurpriseSlots + 8;

    [InlineArray(Size)]
    private struct Blob { private byte _first; }

    private Blob _b;

    public AnomalyState()
    {
        // The layout is little-endian and fields are read as native values: true of every .NET target we ship.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the anomaly state's layout is little-endian");
        _b[0] = Version;
        Integral = true;
    }

    // Every offset is a constant inside the blob, so the reads and writes need no bounds checks: on the
    // per-sample path (about a hundred field accesses per sample) checked spans cost a third of the detector's time.
    private ref byte At(int offset) => ref Unsafe.Add(ref Unsafe.As<Blob, byte>(ref _b), offset);
    private Span<byte> At(int offset, int length) => MemoryMarshal.CreateSpan(ref At(offset), length);

    private long L(int o) => Unsafe.ReadUnaligned<long>(ref At(o));
    private void L(int o, long v) => Unsafe.WriteUnaligned(ref At(o), v);
    private int I(int o) => Unsafe.ReadUnaligned<int>(ref At(o));
    private void I(int o, int v) => Unsafe.WriteUnaligned(ref At(o), v);
    private float F(int o) => Unsafe.ReadUnaligned<float>(ref At(o));
    private void F(int o, float v) => Unsafe.WriteUnaligned(ref At(o), v);
    private double D(int o) => Unsafe.ReadUnaligned<double>(ref At(o));
    private void D(int o, double v) => Unsafe.WriteUnaligned(ref At(o), v);

    private bool RunOver(int bit) => (_b[ORunsOver] & bit) != 0;
    private void RunOver(int bit, bool over) => _b[ORunsOver] = (byte)(over ? _b[ORunsOver] | bit : _b[ORunsOver] & ~bit);

    /// <summary>A run of floats in place.</summary>
    private Span<float> Floats(int o, int n) => MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref At(o)), n);

    [JsonIgnore] public long WarmupSinceTicks { get => L(OWarmupSince); set => L(OWarmupSince, value); }
    [JsonIgnore] public long LastAtTicks { get => L(OLastAt); set => L(OLastAt, value); }
    [JsonIgnore] public int Samples { get => I(OSamples); set => I(OSamples, value); }
    [JsonIgnore] public AnomalySeriesMode Mode { get => (AnomalySeriesMode)_b[OMode]; set => _b[OMode] = (byte)value; }
    [JsonIgnore] public bool Integral { get => _b[OIntegral] == 1; set => _b[OIntegral] = value ? (byte)1 : (byte)0; }
    [JsonIgnore] public int Increases { get => I(OIncreases); set => I(OIncreases, value); }
    /// <summary>Falls seen while the kind is undecided; once a counter, falls by less than a reset (see AnomalyDetector).</summary>
    [JsonIgnore] public int Decreases { get => I(ODecreases); set => I(ODecreases, value); }
    [JsonIgnore] public double Previous { get => D(OPrevious); set => D(OPrevious, value); }
    [JsonIgnore] public double Level { get => D(OLevel); set => D(OLevel, value); }
    [JsonIgnore] public float Variance { get => F(OVariance); set => F(OVariance, value); }
    [JsonIgnore] public float Interval { get => F(OInterval); set => F(OInterval, value); }
    [JsonIgnore] public float Recent { get => F(ORecent); set => F(ORecent, value); }
    /// <summary>The long-scale (~144 samples) mean surprise.</summary>
    [JsonIgnore] public float Long { get => F(OLong); set => F(OLong, value); }

    /// <summary>Hour-of-day profile (offsets from the level): weekdays in slots 0–23, weekends in 24–47.</summary>
    [JsonIgnore] public Span<float> Profile => Floats(OProfile, ProfileSlots);
    /// <summary>The prediction error's variance by hour of the day, slots as in <see cref="Profile"/>; 0 until a slot is first learned.</summary>
    [JsonIgnore] public Span<float> NoiseProfile => Floats(ONoise, ProfileSlots);

    /// <summary>The short-, medium-scale mean surprise and the recent mean squared surprise.</summary>
    [JsonIgnore] public float Short { get => F(OShort); set => F(OShort, value); }
    [JsonIgnore] public float Medium { get => F(OMedium); set => F(OMedium, value); }
    [JsonIgnore] public float Spread { get => F(OSpread); set => F(OSpread, value); }

    /// <summary>Per statistic: its long-run mean and variance, the rate of its tail and the mean excess over the tail's threshold.</summary>
    [JsonIgnore] public Span<float> Mean => Floats(OMean, Statistics);
    [JsonIgnore] public Span<float> Scale => Floats(OScale, Statistics);
    [JsonIgnore] public Span<float> TailRate => Floats(OTailRate, Statistics);
    [JsonIgnore] public Span<float> TailExcess => Floats(OTailExcess, Statistics);
    /// <summary>Whether the sample and the context statistics are over their tail thresholds now (their tails learn from runs), and the largest excess of each run so far.</summary>
    [JsonIgnore] public bool SampleOver { get => RunOver(2); set => RunOver(2, value); }
    [JsonIgnore] public float SamplePeak { get => F(OSamplePeak); set => F(OSamplePeak, value); }
    /// <summary>The mean of log(1 + excess / 3) over the sample test's runs past its threshold: Hill's estimate of its tail index.</summary>
    [JsonIgnore] public float SampleTailLog { get => F(OSampleTailLog); set => F(OSampleTailLog, value); }
    [JsonIgnore] public bool ContextOver { get => RunOver(1); set => RunOver(1, value); }
    [JsonIgnore] public float ContextPeak { get => F(OContextPeak); set => F(OContextPeak, value); }
    /// <summary>The level before the last accepted episode, and until when a return to it ends that incident instead of starting another.</summary>
    [JsonIgnore] public double PreviousLevel { get => D(OPreviousLevel); set => D(OPreviousLevel, value); }
    [JsonIgnore] public long ReturnUntilTicks { get => L(OReturnUntil); set => L(OReturnUntil, value); }
    /// <summary>The last sample was back at the level before the last accepted episode: a second one in a row is the return.</summary>
    [JsonIgnore] public bool ReturnPending { get => RunOver(4); set => RunOver(4, value); }
    /// <summary>
    /// A counter whose rate is judged on a log scale (see AnomalyDetector.CountOffset): every counter decided by this
    /// build. A counter learned by an earlier one (this flag clear) goes on judging its rate as it was learned.
    /// </summary>
    [JsonIgnore] public bool RateOnLogScale { get => RunOver(8); set => RunOver(8, value); }
    /// <summary>
    /// A weekend after the warm-up is being learned, and the first weekday after it is yet to say whether what the
    /// level learned there was the weekend's own or a change of level (see AnomalyDetector). A layout 3 blob has this
    /// bit (16) clear, and its weekend in progress ends as that build ended it.
    /// </summary>
    [JsonIgnore] public bool WeekendPending { get => RunOver(16); set => RunOver(16, value); }

    [JsonIgnore] public int Run { get => I(ORun); set => I(ORun, value); }
    [JsonIgnore] public int MaxRun { get => I(OMaxRun); set => I(OMaxRun, value); }
    [JsonIgnore] public int Moves { get => I(OMoves); set => I(OMoves, value); }
    /// <summary>Weekend samples learned: the first weekend is learned, not judged.</summary>
    [JsonIgnore] public int WeekendLearned { get => I(OWeekendLearned); set => I(OWeekendLearned, value); }
    [JsonIgnore] public float RepeatRate { get => F(ORepeatRate); set => F(ORepeatRate, value); }
    [JsonIgnore] public int Learned { get => I(OLearned); set => I(OLearned, value); }

    /// <summary>The episode in progress: when it began, how many samples it has lasted, how many calm ones in a row.</summary>
    [JsonIgnore] public long EpisodeAtTicks { get => L(OEpisodeAt); set => L(OEpisodeAt, value); }
    [JsonIgnore] public int EpisodeSamples { get => I(OEpisodeSamples); set => I(OEpisodeSamples, value); }
    [JsonIgnore] public int Calm { get => I(OCalm); set => I(OCalm, value); }
    [JsonIgnore] public AnomalyCause EpisodeCause { get => (AnomalyCause)_b[OEpisodeCause]; set => _b[OEpisodeCause] = (byte)value; }
    [JsonIgnore] public float EpisodeRarity { get => F(OEpisodeRarity); set => F(OEpisodeRarity, value); }
    [JsonIgnore] public double EpisodeExpected { get => D(OEpisodeExpected); set => D(OEpisodeExpected, value); }

    /// <summary>
    /// When the last surprises began (alerted or not), the low four bits holding which test saw it and in which
    /// direction (see AnomalyDetector.Recurring), and until when a recurring one is kept quiet.
    /// </summary>
    public long Surprise(int i) => L(OSurprises + 8 * i);
    public void Surprise(int i, long at) => L(OSurprises + 8 * i, at);
    [JsonIgnore] public long QuietUntilTicks { get => L(OQuietUntil); set => L(OQuietUntil, value); }
    /// <summary>When the current quiet began: a schedule keeps a series quiet for a bounded time.</summary>
    [JsonIgnore] public long QuietSinceTicks { get => L(OQuietSince); set => L(OQuietSince, value); }
    /// <summary>The last near-alert: surprises closer together than half an hour are one burst, remembered once.</summary>
    [JsonIgnore] public long LastNearAlertTicks { get => L(OLastNearAlert); set => L(OLastNearAlert, value); }

    [JsonIgnore] public bool InEpisode => EpisodeAtTicks != 0;

    /// <summary>
    /// Forgets everything learned: the series starts at <paramref name="at"/> with <paramref name="raw"/> as its first
    /// sample (its warm-up too), its kind <paramref name="mode"/> (undecided for a new series).
    /// </summary>
    public void StartOver(long at, double raw, AnomalySeriesMode mode)
    {
        At(1, Size - 1).Clear();
        WarmupSinceTicks = LastAtTicks = at;
        Previous = raw;
        Samples = 1;
        Integral = raw == Math.Floor(raw);
        Mode = mode;
    }

    [JsonPropertyName("m")]
    public byte[] Model
    {
        get => At(0, Size).ToArray();
        set
        {
            if (value.Length == Size && value[0] == Version) value.CopyTo(At(0, Size));
            else if (value.Length == V3Size && value[0] == 3) FromVersion3(value);
            else if (value.Length == V2Size && value[0] == 2) FromVersion2(value);
            else if (value.Length == V1Size && value[0] == 1) FromVersion2(Version1To2(value));
            // Another layout (a newer build): start over rather than misread it; the series re-learns.
            else Samples = 0;
        }
    }

    /// <summary>Version 3 had no tail index: everything is carried over, and the index starts from the one its mean excess gives (see <see cref="TailLogOf"/>).</summary>
    private void FromVersion3(byte[] v3)
    {
        v3.CopyTo(At(0, V3Size));
        SampleTailLog = TailLogOf(TailExcess[0]);
        _b[0] = Version;
    }

    /// <summary>The mean log(peak / threshold) of runs past the threshold of 3 whose mean excess is <paramref name="excess"/>: what a state learned before the index was kept starts from.</summary>
    private static float TailLogOf(float excess) => (float)Math.Log(1 + excess / 3);

    /// <summary>
    /// Version 2 had no context statistic: everything else is carried over, the context starts from its prior
    /// (<see cref="AnomalyPriors"/>), and an episode or surprise caused by a stall keeps its cause (its number moved
    /// from 5 to 6 when the context took 5).
    /// </summary>
    private void FromVersion2(byte[] v2)
    {
        At(0, Size).Clear();
        v2.AsSpan(0, OMean).CopyTo(At(0, OMean));
        for (var array = 0; array < 4; array++)
            v2.AsSpan(OMean + 4 * V2Statistics * array, 4 * V2Statistics).CopyTo(At(OMean + 4 * Statistics * array, 4 * V2Statistics));
        v2.AsSpan(V2ORepeatRate, V2Size - V2ORepeatRate).CopyTo(At(ORepeatRate, V2Size - V2ORepeatRate));
        const int context = (int)AnomalyCause.Context;
        Mean[context] = AnomalyPriors.Mean[context];
        Scale[context] = AnomalyPriors.Scale[context];
        TailRate[context] = AnomalyPriors.TailRate(context);
        TailExcess[context] = AnomalyPriors.TailExcess;
        const int stallBefore = 5;
        if ((int)EpisodeCause == stallBefore) EpisodeCause = AnomalyCause.Stall;
        for (var i = 0; i < SurpriseSlots; i++)
            if (Surprise(i) is var at and not 0 && (at & 15) == stallBefore) Surprise(i, (at & ~15L) | (long)AnomalyCause.Stall);
        SampleTailLog = TailLogOf(TailExcess[0]);
        _b[0] = Version;
    }

    /// <summary>Version 1 remembered four surprises and no hours' noise: it becomes a version 2 blob with those four, the hours' noise learned afresh.</summary>
    private static byte[] Version1To2(byte[] v1)
    {
        var v2 = new byte[V2Size];
        v1.AsSpan(0, V2OSurprises + 8 * V1SurpriseSlots).CopyTo(v2);
        v1.AsSpan(V2OSurprises + 8 * V1SurpriseSlots, 8).CopyTo(v2.AsSpan(V2OSurprises + 8 * SurpriseSlots));
        v2[0] = 2;
        return v2;
    }
}

public enum AnomalySeriesMode : byte { Undecided, Gauge, Counter }

/// <summary>What made an episode start: which of the detector's statistics was the most surprising.</summary>
public enum AnomalyCause : byte
{
    Sample, Short, Medium, Spread, Long,
    /// <summary>The recent level against what this hour of the day normally is: a climb too slow for the other tests (a leak).</summary>
    Context,
    Stall,
}
