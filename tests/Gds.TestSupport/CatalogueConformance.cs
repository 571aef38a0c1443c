using Gds.Contracts.Metrics;
using Gds.Contracts.Metrics.Catalog;
using Gds.Monitor.Collectors;
using Xunit;

namespace Gds.TestSupport;

/// <summary>
/// What the catalogue promises about one scrape of one target: every name is a catalogue metric of that database
/// type (or the collector's own), every reading carries exactly its metric's labels, and each series appears once.
/// Shared by the collectors' tests (tests/Gds.Monitor.Tests) and those of `gds dev`'s fleet (tests/Gds.Cli.Tests).
/// </summary>
public static class CatalogueConformance
{
    /// <summary>Every broken promise, one line each; empty when the scrape keeps them all.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<Sample> scrape, string databaseType)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in scrape)
        {
            var labels = sample.Labels ?? SeriesLabels.None;
            var series = sample.Name + SeriesLabels.Format(labels);
            if (!seen.Add(series)) problems.Add($"{series}: appears more than once in one scrape");
            if (!MetricCatalog.TryGet(sample.Name, out var metric))
            {
                problems.Add($"{sample.Name}: not in the metric catalogue" + (MetricCatalog.Closest(sample.Name) is { } near ? $" (closest: {near})" : ""));
                continue;
            }
            if (metric.DatabaseType != databaseType && metric.DatabaseType != MetricDefinition.AnyDatabase)
                problems.Add($"{sample.Name}: catalogued for {metric.DatabaseType}, emitted by a {databaseType} collector");
            var expected = metric.Labels.Order(StringComparer.Ordinal).ToList();
            var actual = labels.Keys.Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(actual))
                problems.Add($"{series}: labels [{string.Join(", ", actual)}], the catalogue says [{string.Join(", ", expected)}]");
        }
        return problems;
    }

    public static void Holds(IEnumerable<Sample> scrape, string databaseType)
    {
        var list = scrape.ToList();
        Assert.NotEmpty(list);
        var problems = Problems(list, databaseType);
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) with a {databaseType} scrape:\n" + string.Join("\n", problems));
    }
}
