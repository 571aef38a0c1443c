using Gds.Cli.Http;
using Gds.Ui;
using Gds.Ui.Web;
using Spectre.Console;

namespace Gds.Cli.Commands.Ui;

public sealed class UiSettings : KafkaSettings
{
    public const string DefaultListen = "127.0.0.1:8088";
    public const string TokenVariable = "GDS_UI_TOKEN";

    [CommandOption("--listen <HOST:PORT>")]
    [Description("Where to serve the page (default 127.0.0.1:8088; port 0 = any free port). Any address but loopback needs a token.")]
    public string? Listen { get; init; }

    [CommandOption("--token-file <FILE>")]
    [Description("File holding the token every request must carry (required off loopback; else $GDS_UI_TOKEN). Open /?token=TOKEN once in the browser, or send Authorization: Bearer TOKEN.")]
    public string? TokenFile { get; init; }

    [CommandOption("--health <URL>")]
    [Description("A process's --http address (e.g. http://127.0.0.1:9464), repeatable: its /readyz and /metrics are shown as pipeline health.")]
    public string[] Health { get; init; } = [];

    public override ValidationResult Validate()
    {
        var b = base.Validate();
        if (!b.Successful) return b;
        if (!ListenAddress.TryParse(Listen ?? DefaultListen, out _, out var problem)) return ValidationResult.Error($"--listen: {problem}");
        if (TokenFile is not null && !File.Exists(TokenFile)) return ValidationResult.Error($"--token-file: {TokenFile} does not exist");
        foreach (var h in Health)
            if (!Uri.TryCreate(h, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                return ValidationResult.Error($"--health: '{h}' is not an http(s) URL (e.g. http://127.0.0.1:9464, a process's --http address)");
        return ValidationResult.Success();
    }

    /// <summary>The token from --token-file, else $GDS_UI_TOKEN; null when neither is set.</summary>
    public string? Token()
    {
        if (TokenFile is not null)
        {
            var text = File.ReadAllText(TokenFile).Trim();
            if (text.Length == 0) throw new UsageException($"--token-file: {TokenFile} is empty");
            return text;
        }
        return Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } env ? env.Trim() : null;
    }
}

/// <summary>
/// `gds ui --bootstrap BS [--listen 127.0.0.1:8088]`: the live dashboard. Reads gds.alerts, gds.silences,
/// gds.alerts.acks, gds.rules and the metric topics into memory (rebuilt at each start, no consumer group) and
/// serves the page and its API; silences and acks made there are the records `gds silence` and `gds ack` write.
/// </summary>
public sealed class UiCommand : AsyncCommand<UiSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, UiSettings settings, CancellationToken cancellationToken)
    {
        ListenAddress.TryParse(settings.Listen ?? UiSettings.DefaultListen, out var listen, out _);
        var server = new UiServerOptions { Host = listen.Host, Port = listen.Port, Token = settings.Token() };
        if (!UiAccess.IsLoopback(server.Host) && server.Token is null)
            throw new UsageException($"--listen {listen.Host}:{listen.Port} is not a loopback address: the ui then needs a token (--token-file FILE or ${UiSettings.TokenVariable})");
        var options = new DashboardOptions { Server = server, HealthEndpoints = settings.Health.Select(h => new Uri(h)).ToList() };
        var builder = GdsHost.CreateBuilder(settings);
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<UiService>();
        return GdsHost.RunAsync(builder, cancellationToken);
    }
}

/// <summary>The dashboard as a hosted service: serves until SIGTERM / Ctrl-C, or until its feed fails.</summary>
public sealed class UiService(DashboardOptions options, KafkaClientFactory kafka, ILoggerFactory logs, VerbOutcome outcome, IHostApplicationLifetime lifetime)
    : VerbService(outcome, lifetime, logs.CreateLogger("gds.ui"))
{
    protected override async Task<int> RunAsync(CancellationToken stopping)
    {
        await using var dashboard = new Dashboard(options, kafka, logs);
        try
        {
            await dashboard.StartAsync(stopping);
        }
        catch (UiConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }
        Console.WriteLine($"gds ui: {dashboard.Address} (alerts from {kafka.BootstrapServers}){(options.Server.Token is null ? "" : "; every request needs the token")}. Ctrl-C to stop.");
        await Task.WhenAny(dashboard.FeedRun, Task.Delay(Timeout.Infinite, stopping)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (dashboard.FeedRun is { IsFaulted: true } failed) throw failed.Exception!.InnerException!;
        return ExitCodes.Ok;
    }
}
