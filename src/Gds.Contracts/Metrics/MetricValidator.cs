namespace Gds.Contracts.Metrics;

/// <summary>
/// What makes a metric unusable by the topology and the warehouse alike, with one message per fault, so both refuse
/// the same records for the same stated reason. Policies of one user only (the importer's clock skew) sit on top.
/// </summary>
public static class MetricValidator
{
    /// <summary>The first problem of <paramref name="m"/>, or null when it can be evaluated and loaded.</summary>
    /// <param name="labelsChecked">The labels came from <see cref="Serialization.MetricJsonReader"/>, which has checked their names.</param>
    public static string? Problem(Metric m, bool labelsChecked = false)
    {
        if (string.IsNullOrWhiteSpace(m.InstanceId)) return "Metric: instance_id is empty";
        if (string.IsNullOrWhiteSpace(m.MetricName)) return "Metric: metric_name is empty";
        if (string.IsNullOrWhiteSpace(m.DatabaseType)) return "Metric: database_type is empty";
        if (!double.IsFinite(m.Value)) return $"Metric: value {m.Value} is not a finite number";
        if (m.Timestamp == default) return "Metric: timestamp is missing (0001-01-01)";
        return labelsChecked ? null : LabelProblem(m.Labels);
    }

    /// <summary>
    /// Labels name the series, so unlike a tag a bad one cannot be dropped: that would merge two series into one.
    /// </summary>
    public static string? LabelProblem(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return null;
        foreach (var (name, value) in labels)
        {
            if (!SeriesLabels.IsValidName(name)) return "Metric: " + BadLabelName(name);
            if (value is null) return $"Metric: label {name} is null; a label's value must be a string";
        }
        return null;
    }

    public static string BadLabelName(string name) => $"label name '{name}' is not valid (letters, digits and '_', not starting with a digit)";
}
