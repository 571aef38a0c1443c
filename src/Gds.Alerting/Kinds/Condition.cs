namespace Gds.Alerting.Kinds;

/// <summary>What a rule kind concluded about a series at one moment.</summary>
public enum ConditionState
{
    /// <summary>Nothing can be said yet (warm-up, first counter sample): the lifecycle does not move.</summary>
    Unknown,
    /// <summary>The alert condition holds.</summary>
    Breach,
    /// <summary>The condition does not hold (or no longer holds, hysteresis included).</summary>
    Clear,
}

/// <summary>A kind's verdict with what was observed and what was expected, in words a person can read.</summary>
public readonly record struct Condition(ConditionState State, double? Observed, string? Expected, string? Detail = null, string? Severity = null)
{
    public static Condition Unknown(string? detail = null) => new(ConditionState.Unknown, null, null, detail);
    public static Condition Breach(double? observed, string expected, string? detail = null, string? severity = null) => new(ConditionState.Breach, observed, expected, detail, severity);
    public static Condition Clear(double? observed, string expected, string? detail = null) => new(ConditionState.Clear, observed, expected, detail);

    /// <summary>
    /// Clear, without the words: for an inactive alert a clear verdict moves nothing and its text is never read,
    /// so kinds skip formatting it on the hot path (the texts of the last breach stay in the lifecycle).
    /// </summary>
    public static Condition Quiet(double? observed) => new(ConditionState.Clear, observed, null);
}
