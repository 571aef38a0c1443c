namespace Gds.Cli.Tests;

/// <summary>
/// Runs `gds` in this process exactly as Program.cs does (GdsApp: exit codes and error handling included) with
/// stdout and stderr captured. Console is global, so every CLI test is in one non-parallel collection.
/// </summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await GdsApp.RunAsync(args);
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
