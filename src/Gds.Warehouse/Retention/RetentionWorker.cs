namespace Gds.Warehouse.Retention;

/// <summary>
/// Drops what is older than the retention horizon, once at start and then every <see cref="RetentionOptions.Interval"/>,
/// beside the import; a failed run is logged and tried again at the next interval.
/// </summary>
internal sealed class RetentionWorker(IRetentionEnforcer? retention, RetentionOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Runs until <paramref name="ct"/> is cancelled; completes at once when retention is off.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (retention is null || options.Days is null) return;
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var horizon = options.Horizon(time.GetUtcNow())!.Value;
                var dropped = await retention.DropOlderThanAsync(horizon, ct);
                if (dropped.Count > 0) logger.LogInformation("Retention ({Days} days) dropped {Count} day partitions", options.Days, dropped.Count);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogWarning("Retention run failed: {Error}; trying again in {Interval}", ex.Message, options.Interval);
            }
            try { await Task.Delay(options.Interval, time, ct); }
            catch (OperationCanceledException) { return; }
        }
    }
}
