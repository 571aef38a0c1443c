using System.Reflection;

namespace Gds.Cli.Tests;

/// <summary>
/// Runs the real `gds` entry point in this process (Program.cs, its exit codes and error handling included) with
/// stdout and stderr captured. Console is global, so every CLI test is in one non-parallel collection.
/// </summary>
internal static class CliRunner
{
    private static readonly MethodInfo Main = typeof(Gds.Cli.Commands.CommandRegistry).Assembly.EntryPoint
        ?? throw new InvalidOperationException("gds has no entry point");

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var result = Main.Invoke(null, [args]);
            var code = result switch
            {
                Task<int> t => await t,
                int i => i,
                _ => throw new InvalidOperationException("unexpected entry point result " + result),
            };
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "gds CLI";
}
