using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gds.Notify.Tests.Support;

/// <summary>
/// The real SMTP server of the tests (Debian's python3-aiosmtpd via scripts/smtp_sink.py), which writes each message
/// it receives as a .eml file. Uses the one ./test.sh started (GDS_TEST_SMTP_*); outside CI, when those are not set,
/// starts its own. Under CI=true missing variables are a failure, never a skip.
/// </summary>
public sealed class TestSmtp
{
    private static readonly Lazy<TestSmtp> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private TestSmtp(string host, int port, string maildir)
    {
        Host = host;
        Port = port;
        Maildir = maildir;
    }

    public string Host { get; }
    public int Port { get; }
    public string Maildir { get; }

    public static TestSmtp Get() => Instance.Value;

    /// <summary>Raw text of every received message that contains <paramref name="marker"/>.</summary>
    public List<string> MessagesContaining(string marker) =>
        Directory.EnumerateFiles(Maildir, "*.eml")
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Select(File.ReadAllText)
            .Where(t => t.Contains(marker, StringComparison.Ordinal))
            .ToList();

    private static TestSmtp Start()
    {
        var host = Environment.GetEnvironmentVariable("GDS_TEST_SMTP_HOST");
        var port = Environment.GetEnvironmentVariable("GDS_TEST_SMTP_PORT");
        var dir = Environment.GetEnvironmentVariable("GDS_TEST_SMTP_MAILDIR");
        if (!string.IsNullOrEmpty(host) && int.TryParse(port, out var p) && Directory.Exists(dir))
            return new TestSmtp(host, p, dir);
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("CI=true but GDS_TEST_SMTP_HOST/PORT/MAILDIR are not set: run the tests through ./test.sh, which starts the SMTP server");
        return StartOwn();
    }

    private static TestSmtp StartOwn()
    {
        var script = FindScript();
        var maildir = Directory.CreateTempSubdirectory("gds-notify-mail-").FullName;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, "127.0.0.1", port.ToString(), maildir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("could not start " + script);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.Kill(); } catch { /* already gone */ }
        };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException(
                    $"the test SMTP server ({script}) did not start: {process.StandardError.ReadToEnd()} — install python3-aiosmtpd or run ./test.sh");
            }
        }
        return new TestSmtp("127.0.0.1", port, maildir);
    }

    private static string FindScript()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "scripts", "smtp_sink.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("scripts/smtp_sink.py not found above " + AppContext.BaseDirectory);
    }
}
