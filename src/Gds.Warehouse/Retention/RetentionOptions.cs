namespace Gds.Warehouse.Retention;

/// <summary>How long samples are kept in the warehouse; null days keeps them for ever.</summary>
public sealed class RetentionOptions
{
    public int? Days { get; set; }

    /// <summary>How often the importer looks for partitions to drop.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The instant before which samples are dropped (and no longer loaded), or null without retention.</summary>
    public DateTimeOffset? Horizon(DateTimeOffset now) => Days is { } d ? now - TimeSpan.FromDays(d) : null;
}
