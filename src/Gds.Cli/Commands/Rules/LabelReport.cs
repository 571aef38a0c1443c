using System.Globalization;
using Gds.Alerting.Backtest;
using Gds.Contracts.Rules;

namespace Gds.Cli.Commands.Rules;

/// <summary>The scoring table `gds rules backtest --labels` prints after the run's counts.</summary>
internal static class LabelReport
{
    public static void Write(TextWriter w, string labelsPath, LabelScorer scorer)
    {
        var inv = CultureInfo.InvariantCulture;
        var scores = scorer.Scores();
        w.WriteLine($"labels: {labelsPath}");
        w.WriteLine(string.Create(inv, $"{"group",-22} {"series",6} {"windows",7} {"detected",8} {"false",5} {"precision",9} {"recall",6} {"median delay",12} {"FA/series-week",14} {"score",6}"));
        foreach (var s in scores)
            w.WriteLine(string.Create(inv,
                $"{s.Group,-22} {s.Series,6} {s.Windows,7} {s.Detected,8} {s.FalseAlarms,5} {Pct(s.Precision),9} {Pct(s.Recall),6} {Delay(s.MedianDelay),12} {s.FalseAlarmsPerSeriesWeek,14:0.00} {(s.Score is { } v ? v.ToString("0.0", inv) : "-"),6}"));
        var all = scores[^1];
        if (all.RepeatsInWindows > 0) w.WriteLine($"labels: {all.RepeatsInWindows} further detection(s) inside already detected windows (neither rewarded nor charged)");
        if (scorer.UnlabelledEvents > 0) w.WriteLine($"labels: {scorer.UnlabelledEvents} alert(s) fired on series the labels file does not name (not scored)");
        foreach (var k in scorer.LabelledButUnseen) w.WriteLine($"labels: warning: series '{k}' is in the labels file but no sample of the input belongs to it (not scored)");
        w.WriteLine("labels: score 0 = a rule that never fires, 100 = every window detected at its start and no false alarm; each window's earliest detection earns 0.99 at its start to 0 at its end, a miss costs 1, a detection outside every window 0.11");
    }

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
    private static string Delay(TimeSpan? d) => d is { } x ? DurationText.Format(TimeSpan.FromSeconds(Math.Round(x.TotalSeconds))) : "-";
}
