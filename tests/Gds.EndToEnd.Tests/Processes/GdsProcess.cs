using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gds.EndToEnd.Tests.Processes;

/// <summary>
/// One `gds` verb as its own OS process, the way users deploy them: `dotnet gds.dll VERB ...` from the build output
/// (this project references Gds.Cli, so its output holds gds.dll, as ./gds builds it into .gds/bin). Every line it
/// writes is kept with the time it arrived; disposing kills it if it still runs, so a failing test leaves nothing.
/// </summary>
internal sealed partial class GdsProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(DateTime At, string Line)> _lines = new();

    public string Name { get; }
    public int Pid { get; private set; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public IReadOnlyList<(DateTime At, string Line)> Lines => _lines.ToArray();
    public string Output => string.Join("\n", _lines.Select(l => l.Line));

    private GdsProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public static GdsProcess Start(string name, params string[] args) => Start(name, new Dictionary<string, string>(), args);

    /// <param name="environment">variables set for the process only (GDS_Kafka__SecurityProtocol, …)</param>
    public static GdsProcess Start(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gds.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["GDS_LOG_LEVEL"] = "Information";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var p = new GdsProcess(name, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) p._lines.Enqueue((DateTime.UtcNow, l)); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) p._lines.Enqueue((DateTime.UtcNow, l)); };
        process.Start();
        p.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    /// <summary>Waits for a line containing <paramref name="text"/> (written after <paramref name="since"/>, if given).</summary>
    public async Task<DateTime> WaitForLineAsync(string text, TimeSpan timeout, DateTime? since = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var (at, line) in _lines)
                if ((since is null || at >= since) && line.Contains(text, StringComparison.Ordinal)) return at;
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before writing '{text}'\n{Tail()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not write '{text}' within {timeout}\n{Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The partitions this process's stream thread owns, from its last assignment and revocation lines.</summary>
    public IReadOnlySet<int> OwnedPartitions()
    {
        var owned = new HashSet<int>();
        foreach (var (_, line) in _lines)
        {
            if (Assignment().Match(line) is not { Success: true } m) continue;
            var numbers = m.Groups[1].Value == "(none)" ? [] : m.Groups[1].Value.Split(',').Select(int.Parse);
            if (m.Groups[2].Value == "assigned") owned.UnionWith(numbers);
            else owned.ExceptWith(numbers);
        }
        return owned;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"partitions (\S+) (assigned|revoked)$")]
    private static partial System.Text.RegularExpressions.Regex Assignment();

    /// <summary>Waits for the process to end by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}\n{Tail()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no clean stop, no commit, no leaving the group.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as a service manager stops it; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
                await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not stop within {timeout} of SIGTERM\n{Tail()}");
        }
        return _process.ExitCode;
    }

    public string Tail(int lines = 40) =>
        $"--- {Name} (pid {Pid}) last lines:\n" + string.Join("\n", _lines.ToArray().TakeLast(lines).Select(l => l.Line.Length > 400 ? l.Line[..400] : l.Line));

    public void Dispose()
    {
        try { Kill(); }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        _process.Dispose();
    }
}
