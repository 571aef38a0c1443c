namespace Gds.Cli.Hosting;

/// <summary>
/// A verb's work as a hosted service. <see cref="RunAsync"/> gets a token that is cancelled when the host stops
/// (SIGTERM, Ctrl-C, the caller's token) and must then stop in order: stop consuming, finish or hand back what is
/// in flight, commit, flush. When the work ends by itself (--once, --drain, a failure) the host stops, and the
/// process exits with the code it returned.
/// </summary>
public abstract class VerbService(VerbOutcome outcome, IHostApplicationLifetime lifetime, ILogger log) : BackgroundService
{
    protected abstract Task<int> RunAsync(CancellationToken stopping);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: StartAsync returns at the first await, and some verbs block before theirs.
        await Task.Yield();
        try
        {
            outcome.Set(await RunAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            outcome.Set(ExitCodes.Ok);
        }
        catch (Exception ex)
        {
            log.LogCritical("giving up: {Error}", ex.Message);
            outcome.Set(ex is UsageException ? ExitCodes.Usage : ExitCodes.Failed);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
