using Gds.Alerting.Silences;
using Gds.Handling.Silences;
using Spectre.Console;

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
        return SilenceRequest.TryBuild(ToDraft(), DateTimeOffset.UtcNow, out _, out var error)
            ? ValidationResult.Success()
            : ValidationResult.Error(error!);
    }

    /// <summary>The flags as the request `gds ui`'s form makes too.</summary>
    public SilenceDraft ToDraft() => new()
    {
        Match = Match, Alert = Alert, For = For, StartsAt = StartsAt, EndsAt = EndsAt, Schedule = Schedule,
        NotifyResolved = NotifyResolved, ExpireWhenClear = ExpireWhenClear, UntilResolved = UntilResolved,
        By = By, Comment = Comment, Id = Id,
    };
}

/// <summary>`gds silence add`: validates everything before touching Kafka, publishes to gds.silences, prints the id.</summary>
public sealed class SilenceAddCommand : AsyncCommand<SilenceAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SilenceAddSettings settings, CancellationToken cancellationToken)
    {
        if (!SilenceRequest.TryBuild(settings.ToDraft(), DateTimeOffset.UtcNow, out var silence, out var error)) throw new UsageException(error!);
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        await SilenceTopic.PublishAsync(clients, silence!, cancellationToken);
        Console.Out.WriteLine(silence!.Id);
        Console.Error.WriteLine($"silence {silence.Id} added: {SilenceText.Describe(CompiledSilence.Compile(silence), DateTimeOffset.UtcNow)}");
        return ExitCodes.Ok;
    }
}
