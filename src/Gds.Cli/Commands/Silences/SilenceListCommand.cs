using System.Text.Json.Nodes;
using Gds.Alerting.Silences;
using Gds.Handling.Silences;
using Gds.Contracts.Serialization;
using Spectre.Console;

namespace Gds.Cli.Commands.Silences;

public sealed class SilenceListSettings : KafkaSettings
{
    [CommandOption("--all")]
    [Description("Also show expired silences.")]
    public bool All { get; init; }

    [CommandOption("--json")]
    [Description("Print a JSON array (each silence record plus its status) instead of a table.")]
    public bool Json { get; init; }
}

/// <summary>`gds silence list`: reads gds.silences to its end and shows what is active, pending or scheduled.</summary>
public sealed class SilenceListCommand : Command<SilenceListSettings>
{
    public override int Execute(CommandContext context, SilenceListSettings settings, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = new List<(string Id, string Status, CompiledSilence? Silence, string? Error, JsonNode? Json)>();
        foreach (var (id, silence, error) in SilenceTopic.ReadAll(Hosting.GdsHost.KafkaClientsAsync(settings, cancellationToken).GetAwaiter().GetResult()))
        {
            if (error is not null)
            {
                rows.Add((id, "invalid", null, error, silence is null ? null : JsonNode.Parse(GdsJson.SerializeToString(silence))));
                continue;
            }
            var compiled = CompiledSilence.Compile(silence!);
            var status = compiled.StatusAt(now);
            if (status == SilenceStatus.Expired && !settings.All) continue;
            rows.Add((id, SilenceText.Status(status), compiled, null, JsonNode.Parse(GdsJson.SerializeToString(silence!))));
        }
        rows = rows.OrderBy(r => Rank(r.Status)).ThenBy(r => r.Silence?.StartsAt ?? DateTimeOffset.MinValue).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();

        if (settings.Json)
        {
            var array = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["status"] = r.Status,
                ["error"] = r.Error,
                ["silence"] = r.Json,
            }).ToArray());
            Console.Out.WriteLine(array.ToJsonString());
            return ExitCodes.Ok;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Piped output (scripts, logs) gets a wide table instead of one wrapped to 80 columns.
        if (Console.IsOutputRedirected) console.Profile.Width = Math.Max(console.Profile.Width, 200);
        if (rows.Count == 0)
        {
            console.WriteLine(settings.All ? "no silences" : "no active or scheduled silences (--all shows expired ones)");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("ID", "Status", "Matchers", "When", "Options", "By", "Comment");
        foreach (var r in rows)
        {
            if (r.Silence is null)
            {
                table.AddRow(Markup.Escape(r.Id), "[red]invalid[/]", Markup.Escape(r.Error ?? ""), "", "", "", "");
                continue;
            }
            var s = r.Silence;
            table.AddRow(
                Markup.Escape(r.Id),
                r.Status switch { "active" => "[green]active[/]", "expired" => "[grey]expired[/]", var x => $"[yellow]{x}[/]" },
                Markup.Escape(string.Join("\n", s.Matchers.Matchers.Select(m => m.ToString()))),
                Markup.Escape(SilenceText.When(s, now)),
                Markup.Escape(SilenceText.Options(s)),
                Markup.Escape(s.Silence.CreatedBy),
                Markup.Escape(s.Silence.Comment ?? ""));
        }
        console.Write(table);
        return ExitCodes.Ok;
    }

    private static int Rank(string status) => status switch { "active" => 0, "pending" => 1, "scheduled" => 2, "invalid" => 3, _ => 4 };
}
