namespace Gds.Cli.Hosting;

/// <summary>The exit code a hosted verb ends with: runtime state, set by the verb's service, read once the host has stopped.</summary>
public sealed class VerbOutcome
{
    private int _exitCode;

    public int ExitCode => Volatile.Read(ref _exitCode);

    public void Set(int exitCode) => Volatile.Write(ref _exitCode, exitCode);
}
