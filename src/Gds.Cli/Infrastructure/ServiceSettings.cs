using System.ComponentModel;
using Gds.Cli.Http;
using Microsoft.Extensions.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gds.Cli.Infrastructure;

/// <summary>Options of the long-running verbs (collect, streams, sink, dw-import): Kafka's, and the HTTP endpoint's.</summary>
public class ServiceSettings : KafkaSettings
{
    [CommandOption("--http <HOST:PORT>")]
    [Description("Serve /healthz, /readyz and /metrics (Prometheus text format) on this address, e.g. 127.0.0.1:9464 (0.0.0.0:9464 for every interface). Else Http:Listen in the config; off when unset.")]
    public string? Http { get; init; }

    /// <summary>--http, else Http:Listen of <paramref name="config"/>; null: no endpoint.</summary>
    public ListenAddress? ResolveHttp(IConfiguration config)
    {
        var text = Http ?? config["Http:Listen"];
        if (string.IsNullOrWhiteSpace(text)) return null;
        return ListenAddress.TryParse(text, out var address, out var problem)
            ? address
            : throw new UsageException($"{(Http is null ? "Http:Listen" : "--http")}: {problem}");
    }

    public override ValidationResult Validate()
    {
        if (Http is not null && !ListenAddress.TryParse(Http, out _, out var problem)) return ValidationResult.Error($"--http: {problem}");
        return base.Validate();
    }
}
