using Gds.Alerting.Silences;
using Gds.Handling.Silences;

namespace Gds.Cli.Commands.Silences;

public sealed class SilenceExpireSettings : KafkaSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The silence id, as printed by `gds silence add` or shown by `gds silence list`.")]
    public string Id { get; init; } = "";
}

/// <summary>
/// `gds silence expire ID`: publishes the silence again with ends_at = now. Not a tombstone: the record stays on
/// the compacted topic, so `gds silence list --all` still shows who silenced what, why and until when; the
/// topology stops muting at once, and alerts it muted that still fire are notified at the next tick.
/// </summary>
public sealed class SilenceExpireCommand : AsyncCommand<SilenceExpireSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SilenceExpireSettings settings, CancellationToken cancellationToken)
    {
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        var found = SilenceTopic.ReadAll(clients).FirstOrDefault(x => x.Id == settings.Id);
        if (found.Id is null || found.Silence is null)
        {
            Console.Error.WriteLine($"gds silence expire: no silence '{settings.Id}' on the silences topic (see `gds silence list --all`).");
            return ExitCodes.Failed;
        }
        var now = DateTimeOffset.UtcNow;
        if (found.Silence.EndsAt is { } ended && ended <= now)
        {
            Console.Error.WriteLine($"silence {settings.Id} already ended at {ended:O}");
            return ExitCodes.Ok;
        }
        await SilenceTopic.PublishAsync(clients, SilenceExpiry.Ended(found.Silence, now), cancellationToken);
        Console.Out.WriteLine(settings.Id);
        Console.Error.WriteLine($"silence {settings.Id} expired at {now:O}");
        return ExitCodes.Ok;
    }
}
