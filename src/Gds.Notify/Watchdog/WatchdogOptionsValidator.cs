using Microsoft.Extensions.Options;

namespace Gds.Notify.Watchdog;

/// <summary>Names each wrong watchdog setting by its configuration path, as the sink's own validator does.</summary>
public sealed class WatchdogOptionsValidator : IValidateOptions<WatchdogOptions>
{
    private const string S = WatchdogOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, WatchdogOptions options)
    {
        var errors = options.Enabled ? Errors(options) : [];
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(WatchdogOptions o)
    {
        var e = new List<string>();
        if (o.Interval <= TimeSpan.Zero) e.Add($"{S}:Interval must be longer than zero (was {o.Interval})");
        if (o.Timeout <= o.Interval)
            e.Add($"{S}:Timeout ({o.Timeout}) must be longer than {S}:Interval ({o.Interval}): a page would go out between two heartbeats of a healthy topology");
        if (string.IsNullOrWhiteSpace(o.Topic)) e.Add($"{S}:Topic must not be empty");
        return e;
    }
}
