using System.ComponentModel;
using Gds.Cli.Http;
using Gds.Cli.Infrastructure;
using Gds.Kafka.Clients;
using Gds.Notify;
using Gds.Notify.Configuration;
using Gds.Notify.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gds.Cli.Commands.Sink;

/// <summary>
/// `gds sink`: consumes gds.alerts (group gds-notification-sink) and delivers each event to gds_notification's
/// POST {url}/ingest; an offset is committed only after a 2xx or a DLQ write. Everything but the flags below comes
/// from the "Sink" section of the config file and GDS_Sink__* variables (see docs/sink.md).
/// </summary>
public sealed class SinkCommand : AsyncCommand<SinkCommand.Settings>
{
    public sealed class Settings : ServiceSettings
    {
        [CommandOption("--notify-url <URL>")]
        [Description("Base URL of gds_notification (posts go to URL/ingest). Else Sink:NotifyUrl in the config.")]
        public string? NotifyUrl { get; init; }

        [CommandOption("--token-file <FILE>")]
        [Description("File holding the service's auth token. Else Sink:AuthTokenFile, else $GDS_NOTIFY_TOKEN.")]
        public string? TokenFile { get; init; }

        [CommandOption("--token-env <VARIABLE>")]
        [Description("Environment variable holding the auth token (default GDS_NOTIFY_TOKEN).")]
        public string? TokenEnv { get; init; }

        [CommandOption("--insecure-skip-tls-verify")]
        [Description("Accept any TLS certificate from the service. Only for a test service; off by default.")]
        public bool SkipTlsVerify { get; init; }

        [CommandOption("--stats-every <TIME>")]
        [Description("Log the counters this often (default 30s; 0 to never).")]
        public string? StatsEvery { get; init; }

        public override ValidationResult Validate()
        {
            var basic = base.Validate();
            if (!basic.Successful) return basic;
            if (NotifyUrl is not null && !Uri.TryCreate(NotifyUrl, UriKind.Absolute, out _))
                return ValidationResult.Error($"--notify-url: '{NotifyUrl}' is not an absolute URL");
            if (StatsEvery is not null && StatsEvery != "0" && !Contracts.Rules.DurationText.TryParse(StatsEvery, out _))
                return ValidationResult.Error($"--stats-every: '{StatsEvery}' is not a duration (use e.g. 30s, 5m)");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = BindOptions(settings);
        var bootstrap = settings.ResolveBootstrap();
        using var logs = Logging.Create();
        var log = logs.CreateLogger("gds.sink");
        var clients = new KafkaClientFactory(bootstrap);
        NotificationSink sink;
        try
        {
            sink = new NotificationSink(options, clients, logs);
        }
        catch (SinkConfigurationException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine($"gds sink: {e}");
            return ExitCodes.Usage;
        }
        using (sink)
        {
            using var stop = Shutdown.OnSignals(cancellationToken);
            var config = GdsConfiguration.Load(settings.ConfigFile);
            await using var telemetry = await VerbTelemetry.StartAsync("sink", settings.ResolveHttp(config), config, clients, logs,
                t => SinkTelemetry.Attach(t, sink), ct: stop.Token);
            var every = settings.StatsEvery is "0" ? (TimeSpan?)null
                : Contracts.Rules.DurationText.ParseOrDefault(settings.StatsEvery, TimeSpan.FromSeconds(30));
            var reporter = every is { } e ? ReportAsync(sink, log, e, stop.Token) : Task.CompletedTask;
            log.LogInformation("delivering {Topic} to {Url}/ingest", options.SourceTopic, options.NotifyUrl.TrimEnd('/'));
            await sink.RunAsync(stop.Token);
            await reporter;
            Console.WriteLine(sink.Stats.ToString());
        }
        return ExitCodes.Ok;
    }

    /// <summary>Config file and GDS_Sink__* first, flags on top.</summary>
    internal static SinkOptions BindOptions(Settings settings)
    {
        var options = new SinkOptions();
        GdsConfiguration.Load(settings.ConfigFile).GetSection(SinkOptions.SectionName).Bind(options);
        if (settings.NotifyUrl is not null) options.NotifyUrl = settings.NotifyUrl;
        if (settings.TokenFile is not null) options.AuthTokenFile = settings.TokenFile;
        if (settings.TokenEnv is not null) options.AuthTokenEnvironmentVariable = settings.TokenEnv;
        if (settings.SkipTlsVerify) options.SkipTlsVerification = true;
        return options;
    }

    private static async Task ReportAsync(NotificationSink sink, ILogger log, TimeSpan every, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(every);
            while (await timer.WaitForNextTickAsync(ct)) log.LogInformation("{Stats}", sink.Stats);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
