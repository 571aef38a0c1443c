using Gds.Cli.Commands;
using Gds.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("gds");
    config.PropagateExceptions();
    config.UseStrictParsing();
    CommandRegistry.Register(config);
});

try
{
    return await app.RunAsync(args);
}
catch (Exception ex) when (ex is CommandParseException or CommandAppException or UsageException)
{
    AnsiConsole.Console.Profile.Out = new AnsiConsoleOutput(Console.Error);
    Console.Error.WriteLine($"gds: {ex.Message}");
    Console.Error.WriteLine("Run 'gds --help' (or 'gds VERB --help') for usage.");
    return ExitCodes.Usage;
}
catch (OperationCanceledException)
{
    return ExitCodes.Ok;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"gds: {ex.GetType().Name}: {ex.Message}");
    return ExitCodes.Failed;
}
