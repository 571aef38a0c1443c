using System.Globalization;
using Gds.Alerting.Backtest;
using Gds.Alerting.Rules;
using Gds.Contracts.Rules;
using Gds.Contracts.Serialization;
using Spectre.Console;

namespace Gds.Cli.Commands.Rules;

public sealed class RulesBacktestSettings : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandOption("--rules <FILE>")]
    [Description("Rules YAML file (the format of `gds rules validate`).")]
    public string? Rules { get; init; }

    [CommandOption("--input <FILE>")]
    [Description("Recorded samples: JSON lines in the Metric shape, or a CSV of timestamp,value for one series (--input=- or /dev/stdin reads JSON lines from stdin).")]
    public string? Input { get; init; }

    [CommandOption("--metric <NAME>")]
    [Description("CSV input: the metric_name of its samples.")]
    public string? Metric { get; init; }

    [CommandOption("--instance <ID>")]
    [Description("CSV input: the instance_id of its samples.")]
    public string? Instance { get; init; }

    [CommandOption("--database-type <TYPE>")]
    [Description("CSV input: database_type (default: the one the rules on --metric select, else postgresql).")]
    public string? DatabaseType { get; init; }

    [CommandOption("--environment <ENV>")]
    [Description("CSV input: the environment tag (default: the one the rules on --metric select, else production).")]
    public string? Environment { get; init; }

    [CommandOption("--output <FILE>")]
    [Description("Write the alert events (JSON lines) here instead of stdout.")]
    public string? Output { get; init; }

    [CommandOption("--grace <DURATION>")]
    [Description("Grace period for late samples: samples shuffled within it give the same alerts (default 0s).")]
    public string Grace { get; init; } = "0s";

    [CommandOption("--tick <DURATION>")]
    [Description("Event-time tick interval, the offline punctuation that fires absence rules (default 30s).")]
    public string Tick { get; init; } = "30s";

    [CommandOption("--labels <FILE>")]
    [Description("Score the run against labelled incidents: a JSON object of series (instance_id:metric_name, or instance_id) → list of [[start, end]] windows. Prints precision, recall, median detection delay, false alarms per series-week and a score (docs/rules.md).")]
    public string? Labels { get; init; }

    [CommandOption("--score-by <NAME>")]
    [Description("With --labels: also score each group of series that share this tag or label (e.g. shape, environment; or database_type, metric_name).")]
    public string? ScoreBy { get; init; }

    public override ValidationResult Validate()
    {
        if (ScoreBy is not null && Labels is null) return ValidationResult.Error("--score-by needs --labels FILE");
        if (ScoreBy is not null && string.IsNullOrWhiteSpace(ScoreBy)) return ValidationResult.Error("--score-by: name a tag or label");
        if (string.IsNullOrWhiteSpace(Rules)) return ValidationResult.Error("--rules FILE is required");
        if (string.IsNullOrWhiteSpace(Input)) return ValidationResult.Error("--input FILE is required");
        if (!DurationText.TryParse(Grace, out var g) || g < TimeSpan.Zero) return ValidationResult.Error($"--grace: '{Grace}' is not a duration (e.g. 30s)");
        if (!DurationText.TryParse(Tick, out var t) || t <= TimeSpan.Zero) return ValidationResult.Error($"--tick: '{Tick}' is not a positive duration (e.g. 30s)");
        return ValidationResult.Success();
    }
}

/// <summary>
/// `gds rules backtest`: the alert events a rules file would have raised over recorded samples, computed by the
/// same engine as `gds streams`. Events go to stdout (or --output) as JSON lines; counts go to stderr.
/// </summary>
public sealed class RulesBacktestCommand : Command<RulesBacktestSettings>
{
    public override int Execute(CommandContext context, RulesBacktestSettings settings, CancellationToken cancellationToken)
    {
        var file = new RuleFileReader().ReadFile(settings.Rules!);
        if (!file.IsValid)
        {
            foreach (var e in file.Errors) Console.Error.WriteLine(e);
            Console.Error.WriteLine($"gds rules backtest: {file.Errors.Count} error(s) in {settings.Rules}; nothing was run.");
            return ExitCodes.Failed;
        }
        var book = new RuleBook();
        foreach (var rule in file.Rules) book.Upsert(CompiledRule.Compile(rule));

        LabelScorer? scorer = null;
        if (settings.Labels is not null)
        {
            try { scorer = new LabelScorer(LabelFile.Read(settings.Labels), settings.ScoreBy); }
            catch (LabelFileException ex)
            {
                Console.Error.WriteLine($"gds rules backtest: --labels: {ex.Message}; nothing was run.");
                return ExitCodes.Failed;
            }
        }

        var fromStdin = settings.Input == "-";
        if (!fromStdin && !File.Exists(settings.Input))
        {
            Console.Error.WriteLine($"gds rules backtest: --input: {settings.Input} does not exist");
            return ExitCodes.Failed;
        }
        using var input = fromStdin ? Console.OpenStandardInput() : SampleFiles.Open(settings.Input!);
        var csv = !fromStdin && SampleFiles.LooksLikeCsv(SampleFiles.InnerName(settings.Input!), input);
        IEnumerable<Metric> samples;
        if (csv)
        {
            if (string.IsNullOrWhiteSpace(settings.Metric) || string.IsNullOrWhiteSpace(settings.Instance))
                throw new UsageException("a CSV input holds one series: name it with --metric NAME and --instance ID");
            var selecting = file.Rules.Where(r => r.Selector.Metric == settings.Metric || r.BadMetric == settings.Metric || r.TotalMetric == settings.Metric).ToList();
            var series = new CsvSeries(settings.Metric, settings.Instance,
                settings.DatabaseType ?? selecting.Select(r => r.Selector.DatabaseType).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)) ?? DatabaseTypes.PostgreSql,
                settings.Environment ?? selecting.Select(r => r.Selector.Environment).FirstOrDefault(e => !string.IsNullOrWhiteSpace(e)) ?? "production");
            samples = SampleFiles.ReadCsv(input, series);
        }
        else samples = SampleFiles.ReadJsonLines(input);

        using var output = settings.Output is null ? Console.OpenStandardOutput() : File.Create(settings.Output);
        using var buffered = new BufferedStream(output, 1 << 16);
        var runner = new BacktestRunner(book, new BacktestOptions
        {
            Grace = DurationText.Parse(settings.Grace, "--grace"),
            TickInterval = DurationText.Parse(settings.Tick, "--tick"),
        });
        BacktestSummary summary;
        try
        {
            var read = WithCancellation(ReadAhead.Of(samples), cancellationToken);
            summary = runner.Run(scorer is null ? read : Observed(read, scorer), e =>
            {
                scorer?.OnEvent(e);
                buffered.Write(GdsJson.Serialize(e));
                buffered.WriteByte((byte)'\n');
            });
        }
        catch (SampleFileException ex)
        {
            buffered.Flush();
            Console.Error.WriteLine($"gds rules backtest: {settings.Input}: {ex.Message}");
            return ExitCodes.Failed;
        }
        buffered.Flush();
        Report(settings, file.Rules.Count, csv, summary);
        if (scorer is not null) LabelReport.Write(Console.Error, settings.Labels!, scorer);
        return ExitCodes.Ok;
    }

    /// <summary>On the evaluating thread, like the events: the scorer is not shared between threads.</summary>
    private static IEnumerable<Metric> Observed(IEnumerable<Metric> samples, LabelScorer scorer)
    {
        foreach (var s in samples)
        {
            scorer.OnSample(s);
            yield return s;
        }
    }

    private static IEnumerable<Metric> WithCancellation(IEnumerable<Metric> samples, CancellationToken ct)
    {
        long n = 0;
        foreach (var s in samples)
        {
            if ((++n & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
            yield return s;
        }
    }

    private static void Report(RulesBacktestSettings settings, int rules, bool csv, BacktestSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var span = s.FirstSampleAt is { } a && s.LastSampleAt is { } b ? $"{a.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} .. {b.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "no samples";
        Console.Error.WriteLine(string.Create(inv,
            $"backtest: {s.Samples:N0} samples ({(csv ? "CSV" : "JSON lines")}, {span}) against {rules} rule(s) in {s.Elapsed.TotalSeconds:0.00}s ({s.SamplesPerSecond:N0} samples/s)"));
        Console.Error.WriteLine(string.Create(inv,
            $"backtest: {s.MatchedSamples:N0} samples matched a rule; {s.Fired} fired, {s.Resolved} resolved, {s.Repeated} repeated; {s.StillFiring} still firing at the end; {s.SeriesWithState} series hold state at the end; {s.LateSamples} late samples dropped; {s.Ticks} ticks"));
        // Idle series keep no state, so "no state at the end" says nothing about matching: only the count does.
        if (s.MatchedSamples == 0 && s.Samples > 0)
            Console.Error.WriteLine("backtest: no rule matched any sample: check the rules' selector (metric, database_type, environment, instance) against the input" +
                                    (csv ? " (or pass --database-type / --environment)" : ""));
        if (settings.Output is not null) Console.Error.WriteLine($"backtest: events written to {settings.Output}");
    }
}
