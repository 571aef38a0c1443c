using Spectre.Console;

namespace Gds.Cli.Commands.Probe;

/// <summary>
/// `gds probe URL`: a container healthcheck that needs nothing but the gds image (the .NET runtime image has no
/// curl or wget). Exits 0 when the URL answers 2xx within the timeout, 1 otherwise, 2 for a wrong command line.
/// </summary>
public sealed class ProbeCommand : AsyncCommand<ProbeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<URL>")]
        [Description("The http(s) URL to GET, e.g. http://127.0.0.1:9400/readyz.")]
        public string Url { get; init; } = "";

        [CommandOption("--timeout <TIME>")]
        [Description("How long to wait for the answer (default 3s).")]
        [DefaultValue("3s")]
        public string Timeout { get; init; } = "3s";

        public override ValidationResult Validate()
        {
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
                return ValidationResult.Error($"'{Url}' is not an absolute http(s) URL");
            return DurationOptions.Problem("--timeout", Timeout, "3s") is { } problem ? ValidationResult.Error(problem) : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Contracts.Rules.DurationText.Parse(settings.Timeout, "--timeout") };
        try
        {
            using var response = await http.GetAsync(settings.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            Console.WriteLine($"{settings.Url}: {code} {response.ReasonPhrase}");
            return code is >= 200 and < 300 ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{settings.Url}: {(ex is TaskCanceledException ? $"no answer within {settings.Timeout}" : ex.Message)}");
            return ExitCodes.Failed;
        }
    }
}
