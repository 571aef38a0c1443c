using System.Globalization;
using Gds.Contracts.Alerts;
using Gds.Contracts.Metrics;

namespace Gds.Notify.Payload;

/// <summary>The one-line message of an alert and the subject built from it.</summary>
public static class AlertMessage
{
    public const int SubjectMessageLength = 50;

    /// <summary>The rule's summary, else "{rule_id} on {series}" (orders@pg-1, or the instance alone).</summary>
    public static string Of(AlertEvent e) =>
        string.IsNullOrWhiteSpace(e.Summary) ? $"{e.RuleId} on {SeriesLabels.Describe(e.InstanceId, e.SeriesLabels)}" : e.Summary.Trim();

    /// <summary>"Alert: ", "Resolved: " or "Acknowledged: " and the first 50 characters of the message.</summary>
    public static string Subject(AlertEvent e) => SubjectPrefix(e) + FirstCharacters(Of(e), SubjectMessageLength);

    public static string SubjectPrefix(AlertEvent e) => e.Status switch
    {
        AlertStatus.Firing or AlertStatus.Escalated => "Alert: ",
        AlertStatus.Resolved => "Resolved: ",
        AlertStatus.Acknowledged => "Acknowledged: ",
        _ => throw new PayloadException($"event {e.EventId}: status '{e.Status}' is not one of firing, resolved, acknowledged, escalated"),
    };

    /// <summary>
    /// The first <paramref name="count"/> characters, counted as text elements so an emoji or a combining accent is
    /// never cut in half (a broken surrogate pair would make the JSON body invalid UTF-8).
    /// </summary>
    public static string FirstCharacters(string text, int count)
    {
        if (text.Length <= count) return text;
        var e = StringInfo.GetTextElementEnumerator(text);
        var taken = 0;
        var end = 0;
        while (taken < count && e.MoveNext())
        {
            end = e.ElementIndex + ((string)e.Current).Length;
            taken++;
        }
        return text[..end];
    }
}
