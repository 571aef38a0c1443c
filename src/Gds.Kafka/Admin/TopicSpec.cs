namespace Gds.Kafka.Admin;

/// <summary>A topic the system needs: name, partitions and whether it keeps only the latest value per key.</summary>
public sealed record TopicSpec(string Name, int Partitions, bool Compacted = false, TimeSpan? Retention = null);
