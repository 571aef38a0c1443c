namespace Gds.Warehouse.Model;

/// <summary>
/// A row of the series-labels dimension: one set of series labels (database, lock mode, standby, ...), shared by
/// every instance and metric that carries it. <see cref="Text"/> is the canonical form of
/// <see cref="Gds.Contracts.Metrics.SeriesLabels.Format"/>, from which the key is derived.
/// </summary>
public sealed record SeriesLabelsDimension(long Key, string Text, IReadOnlyDictionary<string, string> Labels);
