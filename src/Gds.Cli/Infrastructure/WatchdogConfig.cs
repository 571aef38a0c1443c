using Gds.Notify.Watchdog;
using Microsoft.Extensions.Configuration;

namespace Gds.Cli.Infrastructure;

/// <summary>The top-level "Watchdog" section, read the same way by `gds streams` (heartbeats), `gds sink` and `gds dev`.</summary>
internal static class WatchdogConfig
{
    /// <returns>The options, or null when switched off (Watchdog:Enabled=false, or --no-watchdog).</returns>
    /// <exception cref="UsageException">a setting is wrong; the message names its key</exception>
    public static WatchdogOptions? Bind(IConfiguration config, bool switchedOff = false)
    {
        var options = config.GetSection(WatchdogOptions.SectionName).Get<WatchdogOptions>() ?? new WatchdogOptions();
        if (switchedOff || !options.Enabled) return null;
        var errors = WatchdogOptionsValidator.Errors(options);
        return errors.Count == 0 ? options : throw new UsageException(string.Join("; ", errors));
    }
}
