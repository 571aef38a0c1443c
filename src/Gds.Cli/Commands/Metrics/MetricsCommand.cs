using Gds.Contracts.Metrics.Catalog;
using Spectre.Console;

namespace Gds.Cli.Commands.Metrics;

public sealed class MetricsSettings : Gds.Cli.Infrastructure.GdsSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description("table (default) or markdown (the text of docs/metrics.md).")]
    [DefaultValue("table")]
    public string Format { get; init; } = "table";

    public override ValidationResult Validate() => Format is "table" or "markdown"
        ? ValidationResult.Success()
        : ValidationResult.Error($"--format: '{Format}' is not one of table | markdown");
}

/// <summary>`gds metrics`: the metric catalogue, every metric a collector emits with its kind, unit, labels and help.</summary>
public sealed class MetricsCommand : Command<MetricsSettings>
{
    public override int Execute(CommandContext context, MetricsSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Format == "markdown")
        {
            Console.Out.Write(MetricCatalogMarkdown.Render());
            return ExitCodes.Ok;
        }
        // Bound to Console.Out as it is now, so a redirected or captured stdout gets the table too.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        // Piped into a pager or a file there is no terminal width to fit; 80 columns would fold every help text.
        if (Console.IsOutputRedirected) console.Profile.Width = 200;
        foreach (var (type, title) in MetricCatalogMarkdown.Sections)
        {
            var table = new Table { Title = new TableTitle(title.Replace("`", "", StringComparison.Ordinal)) }
                .AddColumns("metric", "kind", "unit", "labels", "help");
            foreach (var m in MetricCatalog.All.Where(m => m.DatabaseType == type))
                table.AddRow(Markup.Escape(m.Name), MetricCatalogMarkdown.KindName(m.Kind), Markup.Escape(m.Unit),
                    Markup.Escape(string.Join(", ", m.Labels)), Markup.Escape(m.Help));
            console.Write(table);
        }
        return ExitCodes.Ok;
    }
}
