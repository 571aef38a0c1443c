using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using Gds.Alerting.Acknowledgements;
using Gds.Alerting.Matchers;
using Gds.Alerting.Silences;
using Gds.Cli.Infrastructure;
using Gds.Contracts.Rules;
using Gds.Contracts.Silences;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands.Silences;

public sealed class SilenceAddSettings : KafkaSettings
{
    [CommandOption("-m|--match <MATCHER>")]
    [Description("A label matcher, repeatable; all must match: name=value, name!=value, name=~regex, name!~regex (regexes are anchored).")]
    public string[] Match { get; init; } = [];

    [CommandOption("--alert <ALERT_ID>")]
    [Description("Silence exactly one alert: its dedup key (the Alert id of its notifications, as `gds ack` takes it) becomes matchers on rule_id, instance_id, metric_name and each series label. Combines with --match.")]
    public string? Alert { get; init; }

    [CommandOption("--for <DURATION>")]
    [Description("How long the silence lasts from its start, e.g. 30m, 2h, 1d.")]
    public string? For { get; init; }

    [CommandOption("--starts-at <TIME>")]
    [Description("When it starts (ISO 8601, e.g. 2026-03-29T02:00:00+02:00); default now.")]
    public string? StartsAt { get; init; }

    [CommandOption("--ends-at <TIME>")]
    [Description("When it ends (ISO 8601); instead of --for.")]
    public string? EndsAt { get; init; }

    [CommandOption("--schedule <WINDOW>")]
    [Description("A recurring weekly window, repeatable: 'DAYS HH:MM-HH:MM [[TIME_ZONE]]', e.g. 'sun 02:00-04:00 Europe/Paris', 'mon-fri 12:00-13:00'. Without --for/--ends-at it recurs until expired.")]
    public string[] Schedule { get; init; } = [];

    [CommandOption("--notify-resolved")]
    [Description("Still send the resolved notice of an alert this silence muted.")]
    public bool NotifyResolved { get; init; }

    [CommandOption("--expire-when-clear")]
    [Description("Expire early once nothing it matches has been firing for a while (Hygiene:ExpireWhenClearGrace, default 5m).")]
    public bool ExpireWhenClear { get; init; }

    [CommandOption("--until-resolved")]
    [Description("Mute the matched alerts until they resolve, then send their resolved notice and expire; no end time needed.")]
    public bool UntilResolved { get; init; }

    [CommandOption("--by <WHO>")]
    [Description("Who is silencing (required).")]
    public string? By { get; init; }

    [CommandOption("--comment <TEXT>")]
    [Description("Why (required): shown by `gds silence list`.")]
    public string? Comment { get; init; }

    [CommandOption("--id <ID>")]
    [Description("Replace the silence with this id instead of creating a new one.")]
    public string? Id { get; init; }

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        return SilenceRequest.TryBuild(this, DateTimeOffset.UtcNow, out _, out var error)
            ? ValidationResult.Success()
            : ValidationResult.Error(error!);
    }
}

/// <summary>`gds silence add`: validates everything before touching Kafka, publishes to gds.silences, prints the id.</summary>
public sealed class SilenceAddCommand : AsyncCommand<SilenceAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SilenceAddSettings settings, CancellationToken cancellationToken)
    {
        if (!SilenceRequest.TryBuild(settings, DateTimeOffset.UtcNow, out var silence, out var error)) throw new UsageException(error!);
        var clients = await SilenceTopic.ClientsAsync(settings, cancellationToken);
        await SilenceTopic.PublishAsync(clients, silence!, cancellationToken);
        Console.Out.WriteLine(silence!.Id);
        Console.Error.WriteLine($"silence {silence.Id} added: {SilenceText.Describe(CompiledSilence.Compile(silence), DateTimeOffset.UtcNow)}");
        return ExitCodes.Ok;
    }
}

/// <summary>Turns the command line into a <see cref="Silence"/>, or into one message naming every problem.</summary>
public static class SilenceRequest
{
    public static bool TryBuild(SilenceAddSettings s, DateTimeOffset now, out Silence? silence, out string? error)
    {
        silence = null;
        var errors = new List<string>();
        var matchers = new List<LabelMatcher>();
        if (s.Alert is not null)
        {
            if (AlertReference.TryParse(s.Alert, out var alert, out var alertError)) matchers.AddRange(AlertMatchers(alert!));
            else errors.Add("--alert: " + alertError);
        }
        if (s.Match.Length == 0 && s.Alert is null) errors.Add("--match or --alert is required (e.g. --match 'instance_id=prod-db-01')");
        foreach (var m in s.Match)
            if (MatcherParser.TryParse(m, out var parsed, out var e)) matchers.Add(parsed!);
            else errors.Add("--match " + e);
        var windows = new List<SilenceWindow>();
        foreach (var w in s.Schedule)
        {
            try { windows.Add(ScheduleParser.Parse(w).ToContract()); }
            catch (ScheduleFormatException ex) { errors.Add("--schedule " + ex.Message); }
        }
        var starts = Time(s.StartsAt, "--starts-at", errors) ?? now;
        var ends = Time(s.EndsAt, "--ends-at", errors);
        if (s.For is not null)
        {
            if (s.EndsAt is not null) errors.Add("--for and --ends-at are mutually exclusive");
            else if (!DurationText.TryParse(s.For, out var d) || d <= TimeSpan.Zero) errors.Add($"--for '{s.For}' is not a positive duration (e.g. 30m, 2h, 1d)");
            else ends = starts + d;
        }
        if (ends is null && windows.Count == 0 && !s.UntilResolved)
            errors.Add("say how long: --for DURATION, --ends-at TIME, --schedule WINDOW or --until-resolved");
        if (ends is { } e2 && e2 <= starts) errors.Add($"the silence would end ({e2:O}) before it starts ({starts:O})");
        if (ends is { } e3 && e3 <= now) errors.Add($"the silence would already be over ({e3:O})");
        if (string.IsNullOrWhiteSpace(s.By)) errors.Add("--by WHO is required");
        if (string.IsNullOrWhiteSpace(s.Comment)) errors.Add("--comment TEXT is required (why is this silenced?)");
        if (errors.Count > 0)
        {
            error = string.Join("; ", errors);
            return false;
        }
        var candidate = new Silence
        {
            Id = string.IsNullOrWhiteSpace(s.Id) ? NewId() : s.Id.Trim(),
            Matchers = matchers.Select(m => m.ToString()).ToList(),
            StartsAt = starts,
            EndsAt = ends,
            Schedule = windows.Count == 0 ? null : windows,
            CreatedBy = s.By!.Trim(),
            Comment = s.Comment!.Trim(),
            CreatedAt = now,
            NotifyResolved = s.NotifyResolved,
            ExpireWhenClear = s.ExpireWhenClear,
            UntilResolved = s.UntilResolved,
        };
        if (!CompiledSilence.TryCompile(candidate, out _, out var invalid))
        {
            error = string.Join("; ", invalid);
            return false;
        }
        silence = candidate;
        error = null;
        return true;
    }

    /// <summary>The matchers that select one alert's series and nothing else: its identity labels and its series labels.</summary>
    public static IEnumerable<LabelMatcher> AlertMatchers(AlertReference alert) =>
        new[] { ("rule_id", alert.RuleId), ("instance_id", alert.InstanceId), ("metric_name", alert.MetricName) }
            .Concat(alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (l.Key, l.Value)))
            .Select(m => new LabelMatcher(m.Item1, MatchOperator.Equal, m.Item2));

    /// <summary>Short enough to type in `gds silence expire`, random enough (64 bits) never to collide.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static DateTimeOffset? Time(string? text, string option, List<string> errors)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        errors.Add($"{option} '{text}' is not a time (use ISO 8601, e.g. 2026-03-29T02:00:00+02:00)");
        return null;
    }
}
