using System.Runtime.InteropServices;

namespace Gds.Cli.Infrastructure;

/// <summary>A token cancelled on Ctrl-C or SIGTERM, so long-running subcommands stop cleanly.</summary>
public static class Shutdown
{
    // The registration must stay reachable: once collected, its finalizer unregisters the handler and SIGTERM
    // falls back to the runtime's default (the process exits without the verb's clean stop).
    private static readonly List<PosixSignalRegistration> Registrations = [];

    public static CancellationTokenSource OnSignals(CancellationToken linked = default)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(linked);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; Cancel(cts); };
        var registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            Cancel(cts);
        });
        lock (Registrations) Registrations.Add(registration);
        return cts;
    }

    private static void Cancel(CancellationTokenSource cts)
    {
        try { cts.Cancel(); }
        catch (ObjectDisposedException) { } // the verb has already finished
    }
}
