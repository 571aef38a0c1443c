using Polly;
using Polly.Retry;

namespace Gds.Warehouse.Loading;

/// <summary>
/// Retries a whole batch load after a transient failure. Safe because a load is idempotent; after the last
/// attempt the error reaches the importer, which stops without committing the batch.
/// </summary>
public static class LoadRetry
{
    public static ResiliencePipeline Create(LoadRetryOptions options, Func<Exception, bool> isTransient, ILogger logger, string warehouse)
    {
        if (options.MaxAttempts <= 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(isTransient),
                MaxRetryAttempts = options.MaxAttempts,
                Delay = options.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Loading a batch into {Warehouse} failed (attempt {Attempt}): {Error}; retrying in {Delay}",
                        warehouse, args.AttemptNumber + 1, args.Outcome.Exception?.Message, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}
