using Gds.Cli.Hosting.Logging;
using Gds.Cli.Http;
using Gds.Kafka.Configuration;
using Gds.Telemetry;
using Gds.Telemetry.SelfReport;
using Microsoft.Extensions.Configuration;

namespace Gds.Cli.Hosting;

/// <summary>
/// The composition root of every verb. Configuration is read once (see <see cref="GdsConfiguration"/>), options
/// are bound once and validated when the host starts, and one <see cref="KafkaClientFactory"/> (from section
/// "Kafka") serves every client. A long-running verb adds its work as a hosted service to
/// <see cref="HostApplicationBuilder.Services"/> and runs the host with <see cref="RunAsync"/>; whatever else a
/// process should serve (an HTTP endpoint, a watchdog) is added there the same way.
/// </summary>
public static class GdsHost
{
    /// <summary>How long a stop may take: the stream's commit and store flush, the sink's drain, the spool's flush.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a verb waits, before it starts, to learn whether Kafka accepts its TLS / SASL settings (librdkafka
    /// would retry a refused handshake forever). A cluster that does not answer in that time lets the verb start.
    /// </summary>
    public static readonly TimeSpan HandshakePatience = TimeSpan.FromSeconds(10);

    public static HostApplicationBuilder CreateBuilder(GdsSettings settings, LogLevel? minimumLevel = null, Func<bool>? mute = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "gds",
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        GdsConfiguration.AddSources(builder.Configuration, settings.SettingsFile, settings.ConfigurationOverrides().ToList());

        var redactor = SecretRedactor.From(builder.Configuration);
        builder.Services.AddSingleton(redactor);
        GdsLogging.Configure(builder.Logging, redactor, settings.Verbose, minimumLevel, mute);

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        // The lifetime's own "Application started" lines would be the only ones of their kind; gds logs its own.
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton<VerbOutcome>();
        if (settings is HostedVerbSettings hosted) AddProcessServices(builder, hosted);
        if (settings is KafkaSettings)
        {
            builder.Services.AddGdsOptions<KafkaOptions, KafkaOptionsValidator>(KafkaOptions.Section);
            builder.Services.AddSingleton(sp => new KafkaClientFactory(sp.GetRequiredService<IOptions<KafkaOptions>>().Value));
        }
        return builder;
    }

    /// <summary>
    /// What every long-running verb's process serves besides its own work (streams, sink, collect, dw-import): the
    /// place to register a hosted service for all of them (an HTTP listener for /healthz, /readyz and /metrics, its
    /// options bound with <see cref="AddGdsOptions{T, TValidator}"/>, its flag added to <see cref="HostedVerbSettings"/>
    /// and mapped in its ConfigurationOverrides). Hosted services start in registration order, after the checks of
    /// <see cref="RunAsync"/>, and stop in reverse order: registered here, such a service outlives the verb's work.
    /// </summary>
    private static void AddProcessServices(HostApplicationBuilder builder, HostedVerbSettings settings)
    {
        var identity = builder.Configuration[$"{SelfReportOptions.Section}:Identity"] is { Length: > 0 } configured
            ? configured : ProcessTelemetry.DefaultIdentity(settings.ProcessName);
        // The verb's service attaches its component's metrics and readiness to this once it has built it.
        builder.Services.AddSingleton(new ProcessTelemetry(identity));
        builder.Services.AddOptions<SelfReportOptions>().BindConfiguration(SelfReportOptions.Section);
        builder.Services.AddHostedService<TelemetryService>();
    }

    /// <summary>Binds section <paramref name="section"/> once, validated when the host starts (or first read).</summary>
    public static OptionsBuilder<T> AddGdsOptions<T, TValidator>(this IServiceCollection services, string section)
        where T : class where TValidator : class, IValidateOptions<T>
    {
        services.AddSingleton<IValidateOptions<T>, TValidator>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Validates every option (an error names the key, exit 2), checks that Kafka accepts this process's security
    /// settings (exit 1 when it refuses them), starts the host, and waits until the verb's work ends or
    /// SIGTERM / Ctrl-C / <paramref name="ct"/> stops it, which stops the hosted services in reverse order.
    /// </summary>
    public static async Task<int> RunAsync(HostApplicationBuilder builder, CancellationToken ct)
    {
        using var host = builder.Build();
        try
        {
            // Before the host starts: it would log a failed start with a stack trace; a user needs the key and the problem.
            host.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) await Console.Error.WriteLineAsync($"gds: {failure}");
            return ExitCodes.Usage;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"gds: {ex.Message}");
            return ExitCodes.Usage;
        }
        LogConfiguration(host.Services);
        if (host.Services.GetService<KafkaClientFactory>() is { } kafka)
            await KafkaReachability.CheckHandshakeAsync(kafka, HandshakePatience, ct);
        await host.StartAsync(ct);
        await host.WaitForShutdownAsync(ct);
        return host.Services.GetRequiredService<VerbOutcome>().ExitCode;
    }

    /// <summary>
    /// At --verbose, every setting the verb was given, whichever source it came from. Secrets show as *** (by key
    /// here, and by value in the logger, which masks them wherever they appear).
    /// </summary>
    private static void LogConfiguration(IServiceProvider services)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("gds.configuration");
        if (!log.IsEnabled(LogLevel.Debug)) return;
        string[] sections = ["Kafka", "Streams", "Hygiene", "Sink", "Collector", "Warehouse", "Http"];
        foreach (var (key, value) in services.GetRequiredService<IConfiguration>().AsEnumerable().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value is null || !sections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))) continue;
            var leaf = key[(key.LastIndexOf(':') + 1)..];
            log.LogDebug("{Key} = {Value}", key, SecretRedactor.IsSecret(leaf) && value.Length > 0 ? SecretRedactor.Mask : value);
        }
    }

    /// <summary>
    /// For the short verbs (rules publish, silence, ack, dlq): the same configuration, validation and Kafka clients,
    /// without running a host.
    /// </summary>
    public static async Task<KafkaClientFactory> KafkaClientsAsync(KafkaSettings settings, CancellationToken ct)
    {
        var builder = CreateBuilder(settings);
        var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<KafkaOptions>>();
        KafkaOptions value;
        try
        {
            value = options.Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new UsageException(string.Join("; ", ex.Failures));
        }
        var clients = new KafkaClientFactory(value);
        await KafkaReachability.CheckHandshakeAsync(clients, HandshakePatience, ct);
        return clients;
    }
}
