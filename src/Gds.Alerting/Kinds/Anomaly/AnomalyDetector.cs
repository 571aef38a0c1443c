namespace Gds.Alerting.Kinds.Anomaly;

public enum AnomalyStep : byte
{
    /// <summary>Still learning, or a sample that says nothing (a counter reset, a repeated timestamp).</summary>
    Unknown,
    Normal,
    /// <summary>A new episode starts with this sample.</summary>
    Started,
    Ongoing,
    /// <summary>The episode is over: the series has been calm long enough.</summary>
    Ended,
}

/// <summary>
/// What one sample did to the detector, with what a person needs to read the verdict, in the series' own units (a
/// counter's rate per second): the value, the expected one and the band a single sample must leave to alert on its
/// own, from <paramref name="Low"/> to <paramref name="High"/> (a counter's is wider above than below: its rate is
/// judged on a log scale). <paramref name="Statistic"/> is in the detector's σ.
/// </summary>
public readonly record struct AnomalyVerdict(
    AnomalyStep Step, double Observed, double Expected, double Low, double High, AnomalyCause Cause, double Statistic, double RarityWeeks)
{
    public static readonly AnomalyVerdict Unknown = new(AnomalyStep.Unknown, 0, 0, 0, 0, default, 0, 0);
}

/// <summary>
/// A streaming detector for one series, O(1) time and memory per sample.
///
/// Model. The value (for a counter: the logarithm of its rate per second, see <see cref="CountOffset"/>) is
/// predicted as a slow level + the learned profile of its hour of the day, weekdays and weekends apart (linearly
/// interpolated between hours, so a steep daily ramp is predicted, not a staircase) + the recent context, the
/// residual of the last ~10 samples. The level and the context learn from the prediction error clipped at 4σ, so an
/// outlier cannot drag the model; the profile learns from the context and takes it over, so a cycle of any size
/// relative to the noise is learned in days.
///
/// Surprise. The error in units of its hour's σ is judged on several time scales: the sample alone, its mean over
/// the last ~6, ~36 and ~144 samples and its mean absolute value over ~12 (variance); and the context against the
/// seasonal prediction, which a climb too gradual for the other tests (a leak) leaves far behind. Each statistic is
/// standardised by its own long-run mean and variance (its "recent distribution of surprise", as in HTM's anomaly
/// likelihood, so autocorrelated or heavy-tailed series do not look anomalous all the time), and its tail is
/// modelled beyond 3 standard units as exponential with a learned rate and mean excess (peaks over threshold, as in
/// SPOT; the single sample's as a generalised Pareto tail on a heavy-tailed series), which gives each sample a
/// probability. A value that does not change for unusually long (a stalled counter,
/// a frozen gauge) gets the probability of such a run under the series' own rate of repeated values.
///
/// Threshold. An episode starts when the smallest probability is under sensitivity ÷ (samples per week × number of
/// tests): on normal data that is about `sensitivity` false alarms per series-week. It lasts until every statistic
/// has been calm for an hour (at least 12 samples), so one incident is one alert. After a dozen samples the
/// episode's level is taken as the new normal, so a shift that lasts does not alert for ever; a return to the level
/// before it, within three days, ends that incident instead of starting another.
/// </summary>
public static class AnomalyDetector
{
    private const int DecideAfter = 24;
    private const int MinLearned = 24;
    /// <summary>How fast the recent context (the residual over the seasonal prediction) follows: ~10 samples.</summary>
    private const double RecentRate = AnomalyPriors.RecentRate;
    private const double VarianceRate = 0.01;
    /// <summary>How fast an hour's noise follows at five-minute samples (scaled by the interval): about three days' memory.</summary>
    private const double HourNoiseRate = 0.05;
    private const double ShortRate = AnomalyPriors.ShortRate, MediumRate = AnomalyPriors.MediumRate, SpreadRate = AnomalyPriors.SpreadRate, LongScaleRate = AnomalyPriors.LongScaleRate;
    private const double LongRate = 1.0 / 4000;
    /// <summary>The averages see a sample at most this many σ away: one outlier is the sample test's to judge, and heavy-tailed noise must not make the averages jump.</summary>
    private const double AverageClip = 6;
    /// <summary>
    /// The context's long-run mean and variance follow one sample at most this many of its standard deviations away
    /// (a Huber estimate): a leak climbs for hours, and the range it is judged by must not widen as fast as it climbs.
    /// </summary>
    private const double ContextClip = 2;
    /// <summary>During the warm-up the profile follows at least this fast, so the first day's cycle ends up in the profile and not in the recent context (whose normal range is learned meanwhile).</summary>
    private const double WarmupProfileRate = 0.05;
    private const double TailThreshold = 3;
    /// <summary>The sample, short, medium, spread, trend, context and stall tests.</summary>
    public const int Tests = AnomalyState.Statistics + 1;
    /// <summary>Episodes cluster exceedances: the per-sample bound is loosened by this much to land near `sensitivity` on normal data (measured on the development corpus).</summary>
    private const double Calibration = 1;
    /// <summary>Samples after which an episode's level is accepted as the new normal and learning resumes.</summary>
    private const int AcceptAfter = 12;

    private static readonly float[] PriorScale = AnomalyPriors.Scale;
    private static readonly float[] PriorMean = AnomalyPriors.Mean;
    /// <summary>The lightest tail assumed (Gaussian's beyond 3): learning may only make a tail heavier than this.</summary>
    private const float MinTailRate = 0.0027f, MinTailExcess = 0.3f;
    /// <summary>An exceedance counts at most this far past the threshold in the mean excess, so a few huge outliers cannot make every tail look heavy.</summary>
    private const double MaxExcess = 3;

    public static AnomalyVerdict Step(AnomalyPlan plan, AnomalyState st, DateTimeOffset at, double raw)
    {
        var t = at.UtcTicks;
        if (st.Samples == 0)
        {
            st.StartOver(t, raw, AnomalySeriesMode.Undecided);
            return AnomalyVerdict.Unknown;
        }
        var dt = (t - st.LastAtTicks) / (double)TimeSpan.TicksPerSecond;
        var previous = st.Previous;
        st.LastAtTicks = t;
        st.Previous = raw;
        if (st.Samples < int.MaxValue) st.Samples++;
        if (dt > 0) st.Interval = st.Interval <= 0 ? (float)dt : st.Interval + 0.05f * ((float)Math.Min(dt, 10.0 * st.Interval) - st.Interval);
        st.Integral &= raw == Math.Floor(raw);

        if (st.Mode == AnomalySeriesMode.Undecided)
        {
            if (raw > previous) st.Increases++;
            else if (raw < previous) st.Decreases++;
            if (st.Samples < DecideAfter) return AnomalyVerdict.Unknown;
            // A series that never went down and mostly went up is a cumulative counter: judge its rate.
            st.Mode = st.Decreases == 0 && st.Increases * 2 >= st.Samples ? AnomalySeriesMode.Counter : AnomalySeriesMode.Gauge;
            st.RateOnLogScale = st.Mode == AnomalySeriesMode.Counter;
            st.Decreases = 0;
            Begin(st);
        }

        double y;
        if (st.Mode == AnomalySeriesMode.Counter)
        {
            // A gauge watched from the start of a climb (connections from 07:00, through the morning ramp) never went
            // down in its first samples either. A counter only goes down when it is reset, to far less than it was;
            // a few decreases of a fraction of it say it is a gauge after all: learn it afresh as one.
            if (raw < previous && raw > previous * NotAReset && ++st.Decreases >= GaugeAfterDecreases)
            {
                st.StartOver(t, raw, AnomalySeriesMode.Gauge);
                Begin(st);
                return AnomalyVerdict.Unknown;
            }
            // A drop is a reset; the same timestamp twice says nothing about a rate.
            if (raw < previous || dt <= 0) return AnomalyVerdict.Unknown;
            y = st.RateOnLogScale ? Math.Log((raw - previous + CountOffset) / dt) : (raw - previous) / dt;
        }
        else y = raw;

        var repeated = raw == previous;
        var endedRun = repeated ? 0 : st.Run;
        st.Run = repeated ? st.Run + 1 : 0;
        if (!repeated && st.Moves < int.MaxValue) st.Moves++;

        if (st.Learned == 0)
        {
            st.Level = y;
            st.Learned = 1;
            return AnomalyVerdict.Unknown;
        }

        // Prediction and surprise.
        var (slotA, slotB, frac) = Slots(plan, at);
        var profile = plan.Profiled ? Blend(st.Profile, slotA, slotB, frac) : 0;
        if (st.WeekendPending && slotA < 24)
        {
            // The first weekday sample after a weekend. What the level learned over the weekend (kept, with the other
            // sign, in the weekday profile, whose mean is otherwise 0) was either the weekend's own (a weekend busier
            // or quieter than its profile expected: the first one starts from the weekdays') or a change of level that
            // goes on (a trend, of which the weekend profile then holds part too). Only this sample can tell, so the
            // level it is nearest is kept: as the weekdays left it, as the weekend left it, or that plus what the
            // weekend profile holds on average. Taken one way for good (the level as the weekend left it, as before),
            // the other kinds of series alerted at midnight: one whose weekend evenings run higher than its weekdays'
            // took the weekend's level into Monday, and an upward trend's Monday looked 9σ low (10 of the tuning
            // parts' false alarms, all on their first Monday; 3 more on later ones).
            st.WeekendPending = false;
            var weekday = st.Profile[..24];
            var weekend = st.Profile[24..];
            var learnedThere = -Average(weekday);
            for (var i = 0; i < weekday.Length; i++) weekday[i] += learnedThere;
            var trend = Average(weekend);
            profile = Blend(st.Profile, slotA, slotB, frac);
            var before = st.Level - learnedThere;
            var asLeft = y - (before + profile + st.Recent);
            var asLearned = asLeft - learnedThere;
            var goingOn = asLearned - trend;
            if (Math.Abs(asLeft) <= Math.Min(Math.Abs(asLearned), Math.Abs(goingOn))) st.Level = before;
            else if (Math.Abs(goingOn) < Math.Abs(asLearned))
            {
                st.Level += trend;
                for (var i = 0; i < weekend.Length; i++) weekend[i] -= trend;
            }
        }
        var baseLevel = st.Level;
        var seasonal = baseLevel + profile;
        var expected = seasonal + st.Recent;
        var sigma = HourSigma(st, plan, slotA, slotB, frac);
        var e = y - expected;
        var z = Math.Clamp(e / sigma, -50, 50);
        // Inside an episode the averages see the whole error: at its acceptance the short one measures the new level.
        var zc = st.InEpisode ? z : Math.Clamp(z, -AverageClip, AverageClip);
        // A stall in progress: an episode of unchanged values that has not moved yet.
        var stalled = st.InEpisode && st.EpisodeCause == AnomalyCause.Stall && repeated;
        if (st.InEpisode && st.EpisodeCause == AnomalyCause.Stall && endedRun > 0)
        {
            // The stalled series moves again. The averages saw the stall's whole error (for a counter, a rate of
            // nothing, -40σ for hours); kept, the 144-sample one held the episode open for half a day after the
            // counter had resumed (13–42 hours over the tuning parts). What they say is about the stall: start afresh.
            st.Short = st.Mean[1];
            st.Medium = st.Mean[2];
            st.Long = st.Mean[4];
            st.Spread = st.Mean[3];
        }
        st.Short += (float)(ShortRate * (zc - st.Short));
        st.Medium += (float)(MediumRate * (zc - st.Medium));
        st.Spread += (float)(SpreadRate * (Math.Min(Math.Abs(z), AverageClip) - st.Spread));
        st.Long += (float)(LongScaleRate * (zc - st.Long));
        var settled = st.Learned >= MinLearned;
        // Until the model has settled its σ means little: learn from the whole error, as exact running means.
        var clipped = settled ? Math.Clamp(e, -4 * sigma, 4 * sigma) : e;
        // The context: the recent level, followed by this sample as it will be when learning, against the seasonal
        // prediction, in σ. The other tests judge the error after the recent context has followed the series; a climb
        // as slow as a leak is followed closely enough to stay within 1–3σ there, but it leaves the hour's normal
        // level far behind.
        var context = (st.Recent + RecentRate * clipped) / sigma;

        Span<double> value = [z, st.Short, st.Medium, st.Spread, st.Long, context];
        Span<double> u = stackalloc double[AnomalyState.Statistics];
        var judged = settled && at.UtcTicks - st.WarmupSinceTicks >= plan.Warmup.Ticks;
        if (plan.WeekendsApart && slotA >= 24)
        {
            // The first weekend starts from the weekdays' profile and is learned, not judged: whether weekends
            // look like weekdays or are quiet, the series shows it then.
            if (st.WeekendLearned == 0)
            {
                st.Profile[..24].CopyTo(st.Profile[24..]);
                st.NoiseProfile[..24].CopyTo(st.NoiseProfile[24..]);
            }
            // From the first weekend after the warm-up on, what the level learns on a weekend is put to the test on
            // the Monday after (see WeekendPending).
            if (settled && at.UtcTicks - st.WarmupSinceTicks >= plan.Warmup.Ticks) st.WeekendPending = true;
            judged &= st.WeekendLearned >= 2 * 86400 / Math.Max(st.Interval, 1e-3);
        }
        var spw = TimeSpan.FromDays(7).TotalSeconds / Math.Max(st.Interval, 1e-3);
        var bound = plan.Sensitivity / (spw * Tests) * Calibration;

        // The most surprising test, in the watched direction.
        var bestP = 1.0;
        var sampleP = 1.0;
        var cause = AnomalyCause.Sample;
        var calm = true;
        for (var k = 0; k < AnomalyState.Statistics; k++)
        {
            // Never narrower than on independent Gaussian noise: a short history can underestimate how much an
            // average of autocorrelated surprise wanders, and that would be a false alarm.
            u[k] = (value[k] - st.Mean[k]) / Math.Sqrt(Math.Max(st.Scale[k], PriorScale[k]));
            var a = k == 3 ? u[k] : Math.Abs(u[k]);
            if (a > TailThreshold) calm = false;
            if (!Watched(plan, k, u[k])) continue;
            var p = a > TailThreshold ? TailP(st, k, a) : 1;
            // A small count (errors, deadlocks: an integer gauge near zero) is judged as a count too, whichever is less surprising.
            if (k == 0 && p < 1 && st.Integral && st.Mode == AnomalySeriesMode.Gauge && expected < 20 && y > expected)
                p = Math.Max(p, PoissonAtLeast(y, Math.Max(expected, 0.05)));
            if (k == 0) sampleP = p;
            if (p < bestP) { bestP = p; cause = (AnomalyCause)k; }
        }
        // A run of unchanged values longer than any seen before, judged by how often this series repeats a value.
        // Only for a series seen to move (a constant one is not frozen) and that mostly does (zeros are normal for a sparse one).
        if (st.Run >= 2 && st.Run > 1.5 * st.MaxRun + 1 && st.Moves >= 20 && st.RepeatRate < 0.5 && plan.Direction != AnomalyDirection.Up)
        {
            calm = false;
            var p = Math.Pow(Math.Max(st.RepeatRate, 0.001), st.Run);
            if (p < bestP) { bestP = p; cause = AnomalyCause.Stall; }
        }
        else if (st.Run >= 2 && st.InEpisode && st.EpisodeCause == AnomalyCause.Stall) calm = false;

        // A counter whose rate fell to nothing has stalled, whichever test noticed it first.
        if (st.Mode == AnomalySeriesMode.Counter && repeated && cause is AnomalyCause.Sample or AnomalyCause.Short && z < 0) cause = AnomalyCause.Stall;

        // A surprise like one seen at this time of day (or week) before is a schedule and does not alert. Near-alerts
        // are remembered too, not only alerts, so the first deploy dip or batch job judged after the warm-up is
        // already known from the warm-up.
        var nearAlert = bestP < NearAlert * bound;
        var kind = SurpriseKind(cause, value);
        var scheduled = !st.InEpisode && settled && (nearAlert || t < st.QuietUntilTicks)
            && Recurring(st, t, nearAlert, kind, sampleP < NearAlert * bound ? SurpriseKind(AnomalyCause.Sample, value) : kind);

        var step = AnomalyStep.Normal;
        var returning = false;
        if (st.InEpisode)
        {
            st.EpisodeSamples++;
            st.Calm = calm ? st.Calm + 1 : 0;
            var calmFor = Math.Max(12, (int)Math.Ceiling(3600 / Math.Max(st.Interval, 1e-3)));
            if (st.Calm >= calmFor)
            {
                st.EpisodeAtTicks = 0;
                st.EpisodeSamples = 0;
                st.Calm = 0;
                step = AnomalyStep.Ended;
            }
            else
            {
                step = AnomalyStep.Ongoing;
                if (st.EpisodeSamples == AcceptAfter && st.EpisodeCause != AnomalyCause.Stall)
                {
                    // The episode has lasted: take its level as the new normal and start the surprise afresh.
                    st.PreviousLevel = st.Level;
                    st.ReturnUntilTicks = t + ReturnWithin.Ticks;
                    baseLevel = Rebase(st, st.Level + st.Recent + st.Short * sigma);
                }
                else if (st.EpisodeSamples > AcceptAfter && st.EpisodeCause != AnomalyCause.Stall && ReturnedToPrevious(st, t, y, profile))
                {
                    // Back at the level before this episode's was accepted, for a second sample in a row: the incident
                    // is over (the standby has caught up). The level learned since acceptance is the running mean of
                    // the episode's samples, far from where the series is now; left to forget it, the context test
                    // kept the episode open for days (a replication-lag incident of three hours stayed firing for
                    // 50–218 hours). Take the old level back; the episode ends once calm for its hour.
                    if (st.ReturnPending)
                    {
                        st.ReturnUntilTicks = 0;
                        baseLevel = Rebase(st, st.PreviousLevel);
                    }
                    else returning = true;
                }
            }
        }
        else if (st.ReturnPending && ReturnedToPrevious(st, t, y, profile))
        {
            // The series is back where it was before the last accepted episode (a quiet weekday is over, a value
            // that belonged to another hour is gone), for a second sample in a row: that incident has ended.
            st.ReturnUntilTicks = 0;
            baseLevel = Rebase(st, st.PreviousLevel);
        }
        else if (judged && bestP < bound && !scheduled)
        {
            // A surprise back at the level before the last accepted episode is not a new incident, but one sample there
            // is not yet a return: the series may be back at the accepted level with the next one.
            if (ReturnedToPrevious(st, t, y, profile)) returning = true;
            else
            {
                st.EpisodeAtTicks = t;
                st.EpisodeSamples = 1;
                st.Calm = 0;
                st.EpisodeCause = cause;
                // A context episode is about the level the series has left: what this hour normally is.
                st.EpisodeExpected = cause == AnomalyCause.Context ? seasonal : expected;
                st.EpisodeRarity = (float)(1 / (bestP * spw * Tests));
                step = AnomalyStep.Started;
            }
        }

        st.ReturnPending = returning;

        // Learning: always outside an episode; inside one only the level follows (slowly) until the episode is accepted.
        // A stall is no new normal: nothing learns from it, so the series is judged against what it was once it moves.
        var learn = !st.InEpisode || st.EpisodeSamples > AcceptAfter && !stalled;
        if (!learn)
        {
            st.Level = baseLevel;
            if (!stalled) st.Recent += (float)(RecentRate * Math.Clamp(e, -2 * sigma, 2 * sigma));
        }
        else
        {
            var first = 1.0 / (st.Learned + 1);
            // The slow level (memory of about half a day) and the profile learn from the error of the seasonal
            // prediction; the recent context from what they leave.
            var es = y - seasonal;
            var esClipped = settled ? Math.Clamp(es, -4 * sigma, 4 * sigma) : es;
            var slow = Math.Max(Math.Clamp(2 * st.Interval / 86400.0, 0.0005, 0.05), first);
            // Once an episode's level is accepted, the level is the running mean of the samples since: the accepted
            // level was an estimate, and what it missed would otherwise sit in the recent context for hours.
            if (st.InEpisode) slow = Math.Max(slow, 1.0 / (st.EpisodeSamples - AcceptAfter + 1));
            var levelStep = slow * esClipped;
            st.Level = baseLevel + levelStep;
            if (st.WeekendPending && slotA >= 24)
            {
                // The weekday profile, not used on a weekend, keeps what the level learns there, with the other sign:
                // the first weekday after it can then put the level back to where the weekdays left it.
                var weekday = st.Profile[..24];
                for (var i = 0; i < weekday.Length; i++) weekday[i] -= (float)levelStep;
            }
            st.Recent += (float)(RecentRate * clipped);
            // σ learns from errors clipped at 3σ and less their long-scale mean: an anomaly in the making must not
            // widen the band it is judged by, and a slow climb biases every error by about the same amount.
            var forVariance = settled ? Math.Clamp(e - st.Long * sigma, -3 * sigma, 3 * sigma) : e;
            // Nor does σ learn from a near-alert, or while the short or medium average is unusual: a drop judged at
            // -9σ of its hour must not widen that hour's σ by half before the next sample is judged, and a climb that
            // keeps every error 2–3σ high is a bias, not noise. Not while warming up (everything is new then), and
            // not inside an episode: once its level is accepted, σ follows the new regime.
            var holdNoise = judged && !st.InEpisode && (nearAlert || Math.Abs(u[1]) > TailThreshold || Math.Abs(u[2]) > TailThreshold);
            if (!holdNoise) st.Variance += (float)(Math.Max(VarianceRate, first) * (forVariance * forVariance - st.Variance));
            // An incident is not part of the day's pattern: during an episode (once its level is accepted) the level
            // and the recent context follow the series, the hours' profile and noise do not.
            if (plan.Profiled && !st.InEpisode)
            {
                if (settled && !holdNoise)
                {
                    // Each hour learns its own noise, with a memory of about three days whatever the sample interval;
                    // an hour not learned yet starts from the series' σ.
                    var noise = st.NoiseProfile;
                    if (noise[slotA] <= 0) noise[slotA] = st.Variance;
                    if (noise[slotB] <= 0) noise[slotB] = st.Variance;
                    var rate = Math.Clamp(HourNoiseRate * st.Interval / 300, 0.002, 0.2);
                    noise[slotA] += (float)(rate * (1 - frac) * (forVariance * forVariance - noise[slotA]));
                    noise[slotB] += (float)(rate * frac * (forVariance * forVariance - noise[slotB]));
                }
                // The profile learns what the recent context holds, and takes it over from it: the context is already
                // robust (it follows errors clipped at 4σ), while learning from the clipped error itself would take
                // weeks to learn a daily cycle of a hundred σ (a connection count's), which the context would then
                // carry instead and the context test would be blind.
                var gamma = Math.Clamp(st.Interval / 7200.0, 0.003, 0.1);
                if (t - st.WarmupSinceTicks < plan.Warmup.Ticks) gamma = Math.Max(gamma, WarmupProfileRate);
                var learned = (double)st.Recent;
                st.Profile[slotA] += (float)(gamma * (1 - frac) * learned);
                st.Profile[slotB] += (float)(gamma * frac * learned);
                st.Recent -= (float)(gamma * ((1 - frac) * (1 - frac) + frac * frac) * learned);
                if (slotA >= 24 && st.WeekendLearned < int.MaxValue) st.WeekendLearned++;
                // What the weekdays' profile learns at every hour is a change of level, not of the day's shape: its mean
                // goes to the level, which the weekends share. So a level the weekdays have learned (a leak never fixed,
                // a drift) is expected on Saturday too, instead of alerting at midnight. The weekend profile keeps its
                // own mean: that is how much quieter (or busier) weekends are.
                if (!plan.WeekendsApart || slotA < 24)
                {
                    var mean = (float)(gamma * learned / 24);
                    var weekday = st.Profile[..24];
                    for (var i = 0; i < weekday.Length; i++) weekday[i] -= mean;
                    st.Level += mean;
                }
            }
            if (st.Learned < int.MaxValue) st.Learned++;
            if (st.Learned == MinLearned)
            {
                // Settled: what the surprise statistics gathered while σ was still rough is forgotten.
                st.Short = st.Medium = st.Long = 0;
                st.Spread = PriorMean[3];
                // The warm-up counts from here, not from the first sample: before this nothing was remembered as a
                // surprise, so a nightly batch job in a new series' first hours (02:00, for a series first seen at
                // midnight) was not known a day later and paged on its second night (every replication-lag trace of
                // the twenty tuning parts did, 40 of their 150 false alarms).
                st.WarmupSinceTicks = t;
            }
            var seen = Math.Max(st.Learned - MinLearned, 0);
            var longRate = Math.Max(1.0 / (seen + 20), LongRate);
            var tailRate = Math.Max(1.0 / (seen + 50), LongRate);
            for (var k = 0; k < AnomalyState.Statistics && settled; k++)
            {
                var isContext = k == (int)AnomalyCause.Context;
                var clip = (isContext ? ContextClip : 8) * Math.Sqrt(st.Scale[k]);
                var d = Math.Clamp(value[k] - st.Mean[k], -clip, clip);
                st.Mean[k] += (float)(longRate * d);
                st.Scale[k] += (float)(longRate * (d * d - st.Scale[k]));
                var a = k == 3 ? u[k] : Math.Abs(u[k]);
                var over = a > TailThreshold;
                // Mean excess over the threshold, from the exceedances so far (about TailRate × samples) with a
                // prior worth five of them; one extreme value moves it by at most MaxExcess / count.
                var count = st.TailRate[k] * (seen + 50);
                var excessRate = Math.Max(1 / (count + 5), 0.02);
                if (k is (int)AnomalyCause.Sample or (int)AnomalyCause.Context)
                {
                    // Exceedances come in runs: the context stays over its threshold for as long as a climb lasts, and
                    // the first morning ramp a new series sees (or the first hour of an incident) makes a dozen
                    // single-sample exceedances in a row. Counted per sample, one leak would teach the context's tail
                    // that leaks are normal, and one ramp would make the sample's tail heavy for weeks (a commit drop
                    // of 9σ then fell short of the bound). So these tails learn from runs (declustered, as in
                    // extreme-value practice): how often a run starts, and each run's peak.
                    var sample = k == (int)AnomalyCause.Sample;
                    var wasOver = sample ? st.SampleOver : st.ContextOver;
                    st.TailRate[k] += (float)(tailRate * ((over && !wasOver ? 1 : 0) - st.TailRate[k]));
                    var peak = sample ? st.SamplePeak : st.ContextPeak;
                    if (over) peak = wasOver ? Math.Max(peak, (float)(a - TailThreshold)) : (float)(a - TailThreshold);
                    else if (wasOver)
                    {
                        st.TailExcess[k] += (float)(excessRate * (Math.Min(peak, MaxExcess) - st.TailExcess[k]));
                        // Hill's estimate of the tail index from the same runs, with the peak uncapped: the size of the
                        // largest excursions is what tells a power law.
                        if (sample) st.SampleTailLog += (float)(excessRate * (Math.Log(1 + peak / TailThreshold) - st.SampleTailLog));
                    }
                    if (sample) { st.SamplePeak = peak; st.SampleOver = over; }
                    else { st.ContextPeak = peak; st.ContextOver = over; }
                    continue;
                }
                st.TailRate[k] += (float)(tailRate * ((over ? 1 : 0) - st.TailRate[k]));
                if (over) st.TailExcess[k] += (float)(excessRate * (Math.Min(a - TailThreshold, MaxExcess) - st.TailExcess[k]));
            }
            st.RepeatRate += (float)(tailRate * ((repeated ? 1 : 0) - st.RepeatRate));
            // Runs are compared with the longest one that ended normally, never with the one in progress.
            if (endedRun > st.MaxRun) st.MaxRun = endedRun;
        }
        if (step == AnomalyStep.Normal && !judged) step = AnomalyStep.Unknown;
        if (step is AnomalyStep.Unknown or AnomalyStep.Normal)
        {
            var shown = Shown(st, expected, dt);
            return new AnomalyVerdict(step, Shown(st, y, dt), shown, shown, shown, cause, 0, 0);
        }
        var band = Band(st, plan, bound) * sigma;
        var statistic = st.EpisodeCause == AnomalyCause.Stall ? st.Run + 1 : value[(int)st.EpisodeCause];
        var centre = st.InEpisode ? st.EpisodeExpected : expected;
        return new AnomalyVerdict(step, Shown(st, y, dt), Shown(st, centre, dt), Shown(st, centre - band, dt), Shown(st, centre + band, dt),
            st.EpisodeCause, statistic, st.EpisodeRarity);
    }

    /// <summary>
    /// A counter's rate is judged as log((increase + 10) / interval). Its noise grows with the rate (a commit rate's
    /// is a few percent of it, busy hour or quiet), and an incident divides or multiplies it: on the log scale the
    /// noise is the same at every hour and a 60% drop is as large at night as at noon, where on the rate itself it
    /// was hidden in the hours whose noise the nightly batch job and the daily ramps had widened (measured on the
    /// corpus's commit counters: 34 of 40 such drops caught over twenty generated parts instead of 20, for two more
    /// false alarms). The ten counts keep a sparse counter (errors, deadlocks: an increase of 0, 1 or 2) on a scale
    /// close to linear, where a logarithm of such small counts would make every quiet interval look like a collapse.
    /// </summary>
    internal const double CountOffset = 10;

    /// <summary>A value of the judged scale in the series' own units: for a counter on the log scale its rate per second, never below 0.</summary>
    private static double Shown(AnomalyState st, double judged, double dt) =>
        st.RateOnLogScale ? Math.Max(0, Math.Exp(judged) - CountOffset / dt) : judged;

    /// <summary>A counter that falls by less than half is not being reset; this many such falls make it a gauge.</summary>
    private const double NotAReset = 0.5;
    private const int GaugeAfterDecreases = 3;

    /// <summary>The surprise statistics start from their priors once the series' kind (counter or gauge) is decided.</summary>
    private static void Begin(AnomalyState st)
    {
        st.RepeatRate = 0.02f;
        for (var k = 0; k < AnomalyState.Statistics; k++)
        {
            st.Mean[k] = PriorMean[k];
            st.Scale[k] = PriorScale[k];
            st.TailRate[k] = AnomalyPriors.TailRate(k);
            st.TailExcess[k] = AnomalyPriors.TailExcess;
        }
        st.SampleTailLog = AnomalyPriors.TailLog;
        st.Spread = PriorMean[3];
    }

    /// <summary>Moves the level to a new normal, with the recent context and the averages' surprise started afresh from it.</summary>
    private static double Rebase(AnomalyState st, double level)
    {
        st.Level = level;
        st.Recent = 0;
        st.Short = st.Mean[1];
        st.Medium = st.Mean[2];
        st.Long = st.Mean[4];
        st.Spread = st.Mean[3];
        return level;
    }

    /// <summary>How long after an episode's level was accepted a return to the level before it still ends that incident.</summary>
    private static readonly TimeSpan ReturnWithin = TimeSpan.FromDays(3);

    /// <summary>Whether a surprising sample is back nearer the level before the last accepted episode than halfway to the one accepted.</summary>
    private static bool ReturnedToPrevious(AnomalyState st, long t, double y, double profile) =>
        t < st.ReturnUntilTicks && Math.Abs(y - (st.PreviousLevel + profile)) < 0.5 * Math.Abs(st.Level - st.PreviousLevel);

    private static readonly long RecurTolerance = TimeSpan.FromMinutes(20).Ticks;
    private static readonly long QuietFor = TimeSpan.FromMinutes(30).Ticks;
    /// <summary>The longest a recognised schedule keeps a series quiet: a batch job or maintenance window of an hour, and the half hour after.</summary>
    private static readonly long MaxQuiet = TimeSpan.FromMinutes(90).Ticks;
    /// <summary>A sample up to this many times more probable than the alert bound is still remembered as a surprise (a near-alert).</summary>
    private const double NearAlert = 10;

    /// <summary>Which test saw a surprise and in which direction, in four bits: a dip is not the repeat of a spike.</summary>
    private static int SurpriseKind(AnomalyCause cause, ReadOnlySpan<double> value) =>
        (int)cause | (cause != AnomalyCause.Stall && value[(int)cause] >= 0 ? 8 : 0);

    /// <summary>
    /// A surprise that comes back at the same time of day (±20 minutes) one to three days, or a week, after an
    /// earlier one of the same kind (the same test, the same direction) is a schedule — a deploy, a batch job, a
    /// backup, a maintenance window — not an incident: the first one may alert, the repeats do not, and the samples of
    /// a repeat stay quiet for as long as it lasts. Only the start of a burst of surprise is remembered, so one long
    /// burst does not fill the memory. Matching the kind matters: with near-alerts remembered, a real spike would
    /// otherwise now and then land by chance on the time of an unrelated earlier surprise (the holdout's spike did).
    /// <paramref name="kind"/> is looked for among the remembered ones; <paramref name="remembered"/> is what this
    /// surprise is remembered as: the sample test's kind whenever that test alone is a near-alert, because the repeat
    /// of a deploy dip is judged by the sample test once the day's cycle is learned, even where on the first morning
    /// the context (the climb not learned yet) was the more surprised test.
    /// </summary>
    private static bool Recurring(AnomalyState st, long t, bool surprise, int kind, int remembered)
    {
        if (t < st.QuietUntilTicks)
        {
            // A repeat stays quiet while its surprise lasts, but not for ever: an incident that starts during the
            // nightly batch job must not hide behind it for as long as it grows.
            if (surprise) st.QuietUntilTicks = Math.Min(t + QuietFor, st.QuietSinceTicks + MaxQuiet);
            return true;
        }
        var recurring = false;
        var oldest = 0;
        var newest = 0;
        for (var i = 0; i < AnomalyState.SurpriseSlots; i++)
        {
            var before = st.Surprise(i);
            if (before < st.Surprise(oldest)) oldest = i;
            if (before > st.Surprise(newest)) newest = i;
            if (before == 0 || (before & 15) != kind) continue;
            var since = t - before;
            var days = (long)Math.Round(since / (double)TimeSpan.TicksPerDay);
            if (days is (>= 1 and <= 3) or 7 && Math.Abs(since - days * TimeSpan.TicksPerDay) <= RecurTolerance) recurring = true;
        }
        // A new burst replaces the oldest remembered one; the low four bits of its time (under 2 µs) keep its kind.
        // A surprise of another kind than the last one remembered starts a burst of its own: a morning of context
        // surprise must not hide the deploy dip inside it.
        if (surprise)
        {
            if (t - st.LastNearAlertTicks > QuietFor || (st.Surprise(newest) & 15) != remembered) st.Surprise(oldest, (t & ~15L) | (long)remembered);
            st.LastNearAlertTicks = t;
        }
        if (recurring)
        {
            st.QuietSinceTicks = t;
            st.QuietUntilTicks = t + QuietFor;
        }
        return recurring;
    }

    /// <summary>P(X ≥ x) for a Poisson count of mean λ; the sum runs over at most 200 terms.</summary>
    internal static double PoissonAtLeast(double x, double lambda)
    {
        var k = (int)Math.Ceiling(x - 1e-9);
        if (k <= 0) return 1;
        if (k > 200) return 0;
        double term = Math.Exp(-lambda), below = 0;
        for (var i = 0; i < k; i++)
        {
            below += term;
            term *= lambda / (i + 1);
        }
        // For large k the complement loses precision: sum the upper terms instead (they fall fast once k > λ).
        if (below < 0.99) return Math.Max(0, 1 - below);
        double upper = 0;
        for (var i = k; i < k + 60 && term > 0; i++)
        {
            upper += term;
            term *= lambda / (i + 1);
        }
        return upper;
    }

    /// <summary>σ of the prediction error, floored: a flat series cannot divide by zero, nor an integer one alert on a step of 1.</summary>
    public static double Sigma(AnomalyState st) => Math.Max(Math.Sqrt(Math.Max(st.Variance, 0)), SigmaFloor(st));

    private static double SigmaFloor(AnomalyState st) => st.RateOnLogScale
        ? 1e-3 // a change of the rate by 0.1%, as the linear scale's floor
        : Math.Max(1e-3 * Math.Abs(st.Level), st.Integral && st.Mode == AnomalySeriesMode.Gauge ? 0.5 : 1e-9);

    /// <summary>
    /// σ for this time of day: the hour's own noise once it has been learned, else the series' σ. Busy hours are
    /// noisier than quiet ones (a commit rate's noise grows with the rate), and a half-hour batch job is noise the
    /// hourly profile cannot predict: one σ for the whole day would be too wide at night and too narrow at noon, and
    /// the surprise statistics would learn that spread as normal, then miss a real drop.
    /// </summary>
    private static double HourSigma(AnomalyState st, AnomalyPlan plan, int a, int b, double frac)
    {
        if (!plan.Profiled) return Sigma(st);
        var noise = st.NoiseProfile;
        if (noise[a] <= 0 || noise[b] <= 0) return Sigma(st);
        return Math.Max(Math.Sqrt(Blend(noise, a, b, frac)), SigmaFloor(st));
    }

    /// <summary>
    /// The probability of a statistic this far (<paramref name="a"/> standard units, past the threshold) out. Beyond
    /// the threshold a tail is exponential with its learned rate and mean excess, except the sample test's on a
    /// heavy-tailed series (see <see cref="SampleTailIndex"/>), which is a generalised Pareto tail of the same mean excess.
    /// </summary>
    private static double TailP(AnomalyState st, int k, double a)
    {
        var rate = Math.Max(st.TailRate[k], MinTailRate);
        var excess = Math.Max(st.TailExcess[k], MinTailExcess);
        var x = a - TailThreshold;
        var xi = k == 0 ? SampleTailIndex(st) : 0;
        return xi <= 0 ? rate * Math.Exp(-x / excess) : rate * Math.Pow(1 + xi * x / (excess * (1 - xi)), -1 / xi);
    }

    /// <summary>How far past the threshold (in standard units) a sample is as improbable as <paramref name="bound"/>: <see cref="TailP"/> solved for it.</summary>
    private static double SampleExcessAt(AnomalyState st, double bound)
    {
        var rate = Math.Max(st.TailRate[0], MinTailRate);
        if (rate <= bound) return 0;
        var excess = Math.Max(st.TailExcess[0], MinTailExcess);
        var xi = SampleTailIndex(st);
        return xi <= 0 ? excess * Math.Log(rate / bound) : excess * (1 - xi) / xi * (Math.Pow(rate / bound, xi) - 1);
    }

    /// <summary>Exceedances this much more frequent than Gaussian noise's (0.0027) begin to count as a heavy tail, and this much as one fully.</summary>
    private const double HeavyFrom = 0.004, HeavyFully = 0.012;
    /// <summary>Hill's estimate runs this much above the index of a tail that is exponential (about 0.05 on Gaussian noise).</summary>
    private const double TailIndexBias = 0.05;
    private const double MaxTailIndex = 0.5;

    /// <summary>
    /// The sample test's tail index ξ: 0 for an exponential tail, up to 0.5 for one as heavy as a Pareto tail of index
    /// 2. Heavy-tailed noise (Student t₃) puts outliers of 10–30σ in a fortnight, which an exponential tail fitted
    /// beyond 3 standard units calls once-in-years: they were 66 of the 92 false alarms of the twenty tuning parts.
    /// ξ is Hill's estimate, the mean of log(peak / threshold) over the runs past the threshold, and counts only on a
    /// series whose samples pass the threshold several times as often as Gaussian noise's: a series whose few
    /// exceedances came from the warm-up's misfit (a daily cycle not yet learned) keeps its exponential tail, else
    /// the value at another hour's level that is its incident looked ordinary (9 more of the tuning parts' 40
    /// daily-cycle incidents missed, and 3 more weekly-cycle ones).
    /// </summary>
    private static double SampleTailIndex(AnomalyState st)
    {
        var heavy = Math.Clamp((st.TailRate[0] - HeavyFrom) / (HeavyFully - HeavyFrom), 0, 1);
        return heavy * Math.Clamp(st.SampleTailLog - TailIndexBias, 0, MaxTailIndex);
    }

    private static float Average(Span<float> slots)
    {
        var sum = 0f;
        foreach (var v in slots) sum += v;
        return sum / slots.Length;
    }

    /// <summary>An hourly profile's value between two slot centres (see <see cref="Slots"/>).</summary>
    private static double Blend(Span<float> slots, int a, int b, double frac) => slots[a] * (1 - frac) + slots[b] * frac;

    /// <summary>How far from the expected value, in σ, a single sample alone starts an episode.</summary>
    private static double Band(AnomalyState st, AnomalyPlan plan, double bound)
    {
        return Math.Abs(st.Mean[0]) + Math.Sqrt(st.Scale[0]) * (TailThreshold + SampleExcessAt(st, bound));
    }

    private static bool Watched(AnomalyPlan plan, int statistic, double u) => statistic == 3
        ? plan.Direction == AnomalyDirection.Both
        : plan.Direction switch
        {
            AnomalyDirection.Up => u > 0,
            AnomalyDirection.Down => u < 0,
            _ => true,
        };

    /// <summary>The two profile slots around a time (hour centres at hh:30) and the weight of the second.</summary>
    private static (int A, int B, double Frac) Slots(AnomalyPlan plan, DateTimeOffset at)
    {
        if (!plan.Profiled) return (0, 0, 0);
        var ticks = at.UtcTicks - TimeSpan.TicksPerHour / 2;
        var hourStart = ticks - ticks % TimeSpan.TicksPerHour;
        var frac = (ticks - hourStart) / (double)TimeSpan.TicksPerHour;
        var a = Slot(plan, hourStart);
        var b = Slot(plan, hourStart + TimeSpan.TicksPerHour);
        // Across midnight into or out of a weekend the two profiles are not blended: the change is a step.
        if (a / 24 != b / 24) return at.UtcTicks < hourStart + TimeSpan.TicksPerHour ? (a, a, 0) : (b, b, 0);
        return (a, b, frac);
    }

    private static int Slot(AnomalyPlan plan, long ticks)
    {
        var hour = (int)(ticks / TimeSpan.TicksPerHour % 24);
        if (!plan.WeekendsApart) return hour;
        var day = new DateTime(ticks, DateTimeKind.Utc).DayOfWeek;
        return day is DayOfWeek.Saturday or DayOfWeek.Sunday ? 24 + hour : hour;
    }
}
