using Gds.Cli.Commands;

namespace Gds.Cli.Infrastructure;

/// <summary>
/// Parses and validates a gds command line exactly as `gds` would, without running it: deployment files (the
/// compose file) are checked against the real verbs and options, so a renamed option breaks their test, not a
/// production start.
/// </summary>
public static class CommandLineCheck
{
    /// <returns>Null when the command line is one `gds` accepts; else what `gds` would say is wrong.</returns>
    public static async Task<string?> ProblemAsync(IReadOnlyList<string> args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("gds");
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.SetInterceptor(new StopAfterValidation());
            CommandRegistry.Register(config);
        });
        try
        {
            await app.RunAsync(args.ToArray());
            return "the command line did not reach a verb (a branch without its subcommand?)";
        }
        catch (Validated v)
        {
            return v.Problem;
        }
        catch (Exception ex) when (ex is CommandParseException or CommandAppException or CommandRuntimeException)
        {
            return ex.Message;
        }
    }

    private sealed class StopAfterValidation : ICommandInterceptor
    {
        public void Intercept(CommandContext context, CommandSettings settings)
        {
            var result = settings.Validate();
            throw new Validated(result.Successful ? null : result.Message);
        }
    }

    private sealed class Validated(string? problem) : Exception(problem ?? "valid")
    {
        public string? Problem { get; } = problem;
    }
}
