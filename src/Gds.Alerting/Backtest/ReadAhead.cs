using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Gds.Alerting.Backtest;

/// <summary>
/// Enumerates a source on a second thread in batches, so that parsing the input and evaluating it overlap (the
/// two cost about the same per sample). Order is kept; a failure of the source is rethrown where it happened in
/// the sequence.
/// </summary>
public static class ReadAhead
{
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int batchSize = 4096, int batches = 8)
    {
        using var queue = new BlockingCollection<List<T>>(batches);
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(() =>
        {
            var batch = new List<T>(batchSize);
            try
            {
                foreach (var item in source)
                {
                    batch.Add(item);
                    if (batch.Count < batchSize) continue;
                    queue.Add(batch, stop.Token);
                    batch = new List<T>(batchSize);
                }
                if (batch.Count > 0) queue.Add(batch, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception ex)
            {
                // What was read before the failure is still delivered, then the failure itself.
                failure = ExceptionDispatchInfo.Capture(ex);
                try { if (batch.Count > 0) queue.Add(batch, stop.Token); } catch (OperationCanceledException) { }
            }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
                foreach (var item in batch)
                    yield return item;
            producer.Wait();
            failure?.Throw();
        }
        finally
        {
            // The consumer stopped early (or failed): let the producer go instead of blocking on a full queue.
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
        }
    }
}
