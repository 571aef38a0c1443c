using Gds.Cli.Commands;
using Spectre.Console;

namespace Gds.Cli;

/// <summary>The `gds` command line, callable in-process (tests run verbs exactly as a user types them).</summary>
public static class GdsApp
{
    /// <param name="extend">More verbs, for hosts built on the product (the bench host adds `gds bench`).</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct = default, IAnsiConsole? console = null, Action<IConfigurator>? extend = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("gds");
            if (console is not null) config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.UseStrictParsing();
            CommandRegistry.Register(config);
            extend?.Invoke(config);
        });
        try
        {
            return await app.RunAsync(args, ct);
        }
        catch (Exception ex) when (ex is CommandParseException or CommandAppException or UsageException)
        {
            await Console.Error.WriteLineAsync($"gds: {ex.Message}");
            await Console.Error.WriteLineAsync("Run 'gds --help' (or 'gds VERB --help') for usage.");
            return ExitCodes.Usage;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) await Console.Error.WriteLineAsync($"gds: {failure}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is Gds.Kafka.Clients.KafkaUnreachableException or Gds.Kafka.Wire.SchemaRegistryUnavailableException)
        {
            await Console.Error.WriteLineAsync($"gds: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"gds: {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.Failed;
        }
    }
}
