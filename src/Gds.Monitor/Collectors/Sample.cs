namespace Gds.Monitor.Collectors;

/// <summary>
/// One reading from a database, before it becomes a Metric: a snake_case name with its unit, the value, and labels
/// for readings that exist once per database, standby, wait type, ... (they become Metric tags).
/// </summary>
public readonly record struct Sample(string Name, double Value, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>Collects samples with the few shapes collectors need, so mapping code stays one line per metric.</summary>
public sealed class SampleSet : List<Sample>
{
    public void Add(string name, double value) => Add(new Sample(name, value));

    public void Add(string name, double value, string label, string labelValue) =>
        Add(new Sample(name, value, new Dictionary<string, string>(1) { [label] = labelValue }));

    public void Add(string name, double value, IReadOnlyDictionary<string, string> labels) => Add(new Sample(name, value, labels));

    public void Add(string name, bool value) => Add(new Sample(name, value ? 1 : 0));

    public void Add(string name, bool value, IReadOnlyDictionary<string, string> labels) => Add(new Sample(name, value ? 1 : 0, labels));
}
