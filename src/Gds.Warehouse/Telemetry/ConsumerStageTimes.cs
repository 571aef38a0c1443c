
namespace Gds.Warehouse.Telemetry;

/// <summary>
/// Where the consumer thread spent its time since the last batch was sealed: waiting on Kafka, reading records
/// (parse, validate, batch), or waiting for the previous load to finish. Logged per batch at debug level, it
/// tells whether a slow import is bound by the broker, by the CPU of this process or by the warehouse.
/// </summary>
internal sealed class ConsumerStageTimes(TimeProvider time)
{
    private long _consume, _read, _waitForLoad;

    public void AddConsume(long since) => _consume += time.GetTimestamp() - since;
    public void AddRead(long since) => _read += time.GetTimestamp() - since;
    public void AddWaitForLoad(long since) => _waitForLoad += time.GetTimestamp() - since;

    public (double ConsumeMs, double ReadMs, double WaitForLoadMs) TakeMilliseconds()
    {
        var result = (Ms(_consume), Ms(_read), Ms(_waitForLoad));
        _consume = _read = _waitForLoad = 0;
        return result;
    }

    private double Ms(long ticks) => ticks * 1000.0 / time.TimestampFrequency;
}
