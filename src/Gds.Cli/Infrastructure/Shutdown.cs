namespace Gds.Cli.Infrastructure;

/// <summary>A token cancelled on Ctrl-C or SIGTERM, so long-running subcommands stop cleanly.</summary>
public static class Shutdown
{
    public static CancellationTokenSource OnSignals(CancellationToken linked = default)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(linked);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            cts.Cancel();
        });
        return cts;
    }
}
