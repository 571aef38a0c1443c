using Gds.Notify.DeadLetter;
using Spectre.Console;

namespace Gds.Cli.Commands.Dlq;

/// <summary>
/// `gds dlq replay`: re-publishes dead-lettered alert events from gds.alerts.dlq to gds.alerts once their cause is
/// fixed; the sink then delivers them with their original message_id. The DLQ itself is not changed.
/// </summary>
public sealed class DlqReplayCommand : AsyncCommand<DlqReplayCommand.Settings>
{
    public sealed class Settings : KafkaSettings
    {
        [CommandOption("--since <TIME>")]
        [Description("Only events dead-lettered at or after TIME: an ISO 8601 time (2025-01-15T10:00:00Z) or a duration back from now (2h, 1d).")]
        public string? Since { get; init; }

        [CommandOption("--rule <ID>")]
        [Description("Only events of this rule id.")]
        public string? Rule { get; init; }

        [CommandOption("--dry-run")]
        [Description("List what would be replayed; publish nothing.")]
        public bool DryRun { get; init; }

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            if (Since is not null)
            {
                try { ReplayFilter.ParseSince(Since, DateTimeOffset.UtcNow); }
                catch (FormatException ex) { return ValidationResult.Error(ex.Message); }
            }
            if (Rule is not null && string.IsNullOrWhiteSpace(Rule)) return ValidationResult.Error("--rule must not be empty");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var filter = new ReplayFilter(settings.Since is null ? null : ReplayFilter.ParseSince(settings.Since, DateTimeOffset.UtcNow), settings.Rule);
        var clients = await Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken);
        using var logs = Logging.Create(Microsoft.Extensions.Logging.LogLevel.Warning, null, settings.Verbose);
        using var stop = Shutdown.OnSignals(cancellationToken);
        var replayer = new DlqReplayer(clients, logs.CreateLogger("gds.dlq"));
        var report = await replayer.ReplayAsync(filter, settings.DryRun, stop.Token);

        if (report.Events.Count > 0)
        {
            var table = new Table().AddColumns("event_id", "rule", "failed at", "DLQ position", "error");
            foreach (var e in report.Events)
                table.AddRow(Markup.Escape(e.EventId ?? "(unreadable)"), Markup.Escape(e.RuleId ?? "-"), e.FailedAt.ToString("u"),
                    Markup.Escape(e.DlqPosition), Markup.Escape(Shorten(e.Error ?? "", 80)));
            AnsiConsole.Write(table);
        }
        Console.WriteLine(settings.DryRun
            ? $"would replay {report.Replayed} of {report.Read} dead-lettered events (dry run: nothing published)"
            : $"replayed {report.Replayed} of {report.Read} dead-lettered events to gds.alerts");
        return ExitCodes.Ok;
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
