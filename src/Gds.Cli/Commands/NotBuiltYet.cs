using Gds.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands;

/// <summary>Placeholder for a verb whose issue is still open: it says so and fails, never pretends to work.</summary>
public abstract class NotBuiltYet<TSettings>(string issue) : Command<TSettings> where TSettings : CommandSettings
{
    public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"gds {context.Name}: not available yet ({issue}).");
        return ExitCodes.Failed;
    }
}

public sealed class EmptySettings : Gds.Cli.Infrastructure.GdsSettings;
