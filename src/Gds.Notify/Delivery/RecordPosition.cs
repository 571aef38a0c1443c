namespace Gds.Notify.Delivery;

/// <summary>"topic/partition@offset": where a record is, in log lines, DLQ errors and replay headers.</summary>
public static class RecordPosition
{
    public static string Of(ConsumeResult<byte[], byte[]> r) => $"{r.Topic}/{r.Partition.Value}@{r.Offset.Value}";
}
