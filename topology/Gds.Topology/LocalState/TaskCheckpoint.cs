using System.Globalization;

namespace Gds.Topology.LocalState;

/// <summary>
/// The changelog offsets a task's local stores were written up to, as Streamiz keeps them in the task directory's
/// <c>.checkpoint</c> file (version 0: a version line, a count line, then "topic partition offset" lines; the offset
/// is the next one to restore from).
/// </summary>
internal sealed record TaskCheckpoint(IReadOnlyList<(string Topic, int Partition, long Offset)> Entries)
{
    public const string FileName = ".checkpoint";

    /// <summary>Null when the task has no readable checkpoint (Streamiz then restores its stores from the start).</summary>
    public static TaskCheckpoint? Read(string taskDirectory)
    {
        var path = Path.Combine(taskDirectory, FileName);
        if (!File.Exists(path)) path += ".rec"; // Streamiz's copy of the previous file while it replaces it
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "0") return null;
        var entries = new List<(string, int, long)>();
        foreach (var line in lines.Skip(2))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
                return null;
            if (offset >= 0) entries.Add((parts[0], partition, offset));
        }
        return new TaskCheckpoint(entries);
    }
}
