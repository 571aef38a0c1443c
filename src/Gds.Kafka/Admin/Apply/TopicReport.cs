namespace Gds.Kafka.Admin.Apply;

public enum TopicOutcome { Created, Present, Differs, NotCreated }

/// <summary>One topic's line of `gds topics apply`.</summary>
public sealed record TopicReport(string Name, TopicOutcome Outcome, string? Detail = null)
{
    public string Word => Outcome switch
    {
        TopicOutcome.Created => "created",
        TopicOutcome.Present => "present",
        TopicOutcome.Differs => "differs",
        _ => "missing",
    };

    public string Line => Detail is null ? $"{Word,-8} {Name}" : $"{Word,-8} {Name}: {Detail}";
}

/// <param name="Partitions">the partition count asked of the partitioned topics (chosen when not given)</param>
/// <param name="ConfigNote">said once when configs could not be compared</param>
public sealed record ApplyReport(IReadOnlyList<TopicReport> Topics, int Partitions, string? ConfigNote)
{
    public bool AnyNotCreated => Topics.Any(t => t.Outcome == TopicOutcome.NotCreated);
    public bool AnyDiffers => Topics.Any(t => t.Outcome == TopicOutcome.Differs);
    public int Count(TopicOutcome outcome) => Topics.Count(t => t.Outcome == outcome);
}
