using Gds.Kafka.Configuration;
using Gds.Notify;
using Gds.Notify.Configuration;
using Gds.Notify.Watchdog;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Gds.Cli.Commands.Sink;

/// <summary>
/// `gds sink`: consumes gds.alerts (group gds-notification-sink) and delivers each event to gds_notification's
/// POST {url}/ingest; an offset is committed only after a 2xx or a DLQ write. Everything but the flags below comes
/// from the "Sink" section of the config file and GDS_Sink__* variables (see docs/sink.md); the flags set keys of it.
/// </summary>
public sealed class SinkCommand : AsyncCommand<SinkCommand.Settings>
{
    public sealed class Settings : HostedVerbSettings
    {
        public override string ProcessName => "sink";

        [CommandOption("--notify-url <URL>")]
        [Description("Base URL of gds_notification (posts go to URL/ingest). Else Sink:NotifyUrl in the config.")]
        public string? NotifyUrl { get; init; }

        [CommandOption("--token-file <FILE>")]
        [Description("File holding the service's auth token. Else Sink:AuthTokenFile, else $GDS_NOTIFY_TOKEN.")]
        public string? TokenFile { get; init; }

        [CommandOption("--token-env <VARIABLE>")]
        [Description("Environment variable holding the auth token (default GDS_NOTIFY_TOKEN; Sink:AuthTokenEnvironmentVariable).")]
        public string? TokenEnv { get; init; }

        [CommandOption("--insecure-skip-tls-verify")]
        [Description("Accept any TLS certificate from the service. Only for a test service; off by default.")]
        public bool SkipTlsVerify { get; init; }

        [CommandOption("--no-watchdog")]
        [Description("Do not page when the topology stops sending heartbeats (the watchdog is on by default; Watchdog:Enabled).")]
        public bool NoWatchdog { get; init; }

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

        public override IEnumerable<KeyValuePair<string, string?>> ConfigurationOverrides()
        {
            foreach (var o in base.ConfigurationOverrides()) yield return o;
            const string s = SinkOptions.SectionName;
            yield return new($"{s}:NotifyUrl", NotifyUrl);
            yield return new($"{s}:AuthTokenFile", TokenFile);
            yield return new($"{s}:AuthTokenEnvironmentVariable", TokenEnv);
            if (SkipTlsVerify) yield return new($"{s}:SkipTlsVerification", "true");
            if (NoWatchdog) yield return new($"{WatchdogOptions.SectionName}:Enabled", "false");
        }

        public TimeSpan? StatsInterval => StatsEvery is "0" ? null : Contracts.Rules.DurationText.ParseOrDefault(StatsEvery, TimeSpan.FromSeconds(30));
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var builder = GdsHost.CreateBuilder(settings);
        builder.Services.AddGdsOptions<SinkOptions, SinkOptionsValidator>(SinkOptions.SectionName);
        // The sink's validator checks the watchdog's settings with its own (a bad key is one line naming it).
        var watchdog = builder.Configuration.GetSection(WatchdogOptions.SectionName).Get<WatchdogOptions>() ?? new WatchdogOptions();
        builder.Services.AddOptions<SinkOptions>().Configure(o => o.Watchdog = watchdog.Enabled ? watchdog : null);
        if (settings.PrintConfig)
            return Task.FromResult(ConfigurationDump.Print(builder, (KafkaOptions.Section, typeof(KafkaOptions)), (SinkOptions.SectionName, typeof(SinkOptions))));
        builder.Services.AddSingleton(new SinkService.Reporting(settings.StatsInterval));
        builder.Services.AddHostedService<SinkService>();
        return GdsHost.RunAsync(builder, cancellationToken);
    }
}
