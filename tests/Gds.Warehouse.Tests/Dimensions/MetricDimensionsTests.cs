using Gds.Contracts.Metrics.Catalog;
using Gds.Warehouse.Dimensions;

namespace Gds.Warehouse.Tests.Dimensions;

public class MetricDimensionsTests
{
    [Theory]
    [InlineData("gds_collector_up", "boolean", MetricKind.Gauge)] // the name alone says "none"
    [InlineData("gds_collector_samples_rejected_total", "samples", MetricKind.Counter)] // the name alone says "count"
    [InlineData("gds_collector_scrape_duration_seconds", "seconds", MetricKind.Gauge)]
    public void A_metric_of_the_catalogue_takes_its_declared_unit_and_kind(string name, string unit, MetricKind kind)
    {
        Assert.True(MetricCatalog.TryGet(name, out var declared));

        var m = MetricDimensions.Of(name);

        Assert.Equal((name, unit, kind), (m.Name, m.Unit, m.Kind));
        Assert.Equal((declared.Unit, declared.Kind), (m.Unit, m.Kind));
        Assert.Equal(DimensionKeys.Metric(name), m.Key);
    }

    [Fact]
    public void A_custom_metric_the_catalogue_does_not_know_has_unit_and_kind_read_off_its_name()
    {
        Assert.False(MetricCatalog.Contains("orders_shipped_total"));

        var m = MetricDimensions.Of("orders_shipped_total");

        Assert.Equal(("count", MetricKind.Counter, "counter"), (m.Unit, m.Kind, m.KindText));
    }

    [Fact]
    public void A_label_set_has_one_key_whatever_the_order_of_its_labels_and_no_labels_has_the_reserved_key()
    {
        var registry = new DimensionRegistry();
        var added = new NewDimensionRows();
        var t = new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero);
        Metric With(IReadOnlyDictionary<string, string> labels) => Samples.Metric("db-1", "pg_locks", t, 1) with { Labels = labels };

        var a = registry.ToRow(With(new Dictionary<string, string> { ["database"] = "orders", ["mode"] = "share" }), "production", added);
        var b = registry.ToRow(With(new Dictionary<string, string> { ["mode"] = "share", ["database"] = "orders" }), "production", added);
        var other = registry.ToRow(With(new Dictionary<string, string> { ["database"] = "billing", ["mode"] = "share" }), "production", added);
        var none = registry.ToRow(With(SeriesLabels.None), "production", added);

        Assert.Equal(a.LabelsKey, b.LabelsKey);
        Assert.NotEqual(a.LabelsKey, other.LabelsKey);
        Assert.Equal(DimensionKeys.NoLabels, none.LabelsKey);
        // Each set travels once; "no labels" never: its row comes with the schema.
        Assert.Equal(["{database=\"billing\",mode=\"share\"}", "{database=\"orders\",mode=\"share\"}"], added.LabelSets.Select(l => l.Text).Order());
        // Pinned: the key is stored in the warehouse, so changing the derivation would split every labelled series in two.
        Assert.Equal(-1601871111361113129, a.LabelsKey); // the first 8 bytes of SHA-256("labels\u001f" + the text)
        Assert.Equal(DimensionKeys.NoLabels, DimensionKeys.Labels(""));
    }
}
