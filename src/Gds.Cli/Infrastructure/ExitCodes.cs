namespace Gds.Cli.Infrastructure;

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The work failed (bad input file, delivery failure, broker unreachable).</summary>
    public const int Failed = 1;
    /// <summary>The command line itself is wrong: unknown verb or option, missing argument.</summary>
    public const int Usage = 2;
}
