using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Gds.Bench.Commands;

/// <summary>A `gds streams` child process of a bench: its output lines, the partitions it owns, its CPU time.</summary>
internal sealed partial class StreamsProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private StreamsProcess(Process process) => _process = process;

    /// <summary>Starts this very gds (the same build) with <paramref name="args"/>.</summary>
    public static StreamsProcess Start(IEnumerable<string> args)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Run as `dotnet gds.dll` (as ./gds does) or as the apphost: start the child the same way.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(Gds.Cli.GdsApp).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GDS_LOG_LEVEL"] = "Information";
        var process = new Process { StartInfo = psi };
        var p = new StreamsProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) p._lines.Enqueue(l); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) p._lines.Enqueue(l); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    public bool Wrote(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    public bool HasExited => _process.HasExited;

    public TimeSpan Cpu
    {
        get
        {
            try { _process.Refresh(); return _process.TotalProcessorTime; }
            catch (InvalidOperationException) { return TimeSpan.Zero; }
        }
    }

    public IReadOnlySet<int> OwnedPartitions()
    {
        var owned = new HashSet<int>();
        foreach (var line in _lines)
        {
            if (Assignment().Match(line) is not { Success: true } m || m.Groups[1].Value == "(none)") continue;
            var numbers = m.Groups[1].Value.Split(',').Select(int.Parse);
            if (m.Groups[2].Value == "assigned") owned.UnionWith(numbers);
            else owned.ExceptWith(numbers);
        }
        return owned;
    }

    [GeneratedRegex(@"partitions (\S+) (assigned|revoked)$")]
    private static partial Regex Assignment();

    public string Tail(int count = 20) => string.Join("\n", _lines.ToArray().TakeLast(count));

    /// <summary>SIGTERM, then SIGKILL if it has not stopped within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
