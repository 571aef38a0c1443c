using System.Text.RegularExpressions;

namespace Gds.Alerting.Matchers;

public enum MatchOperator { Equal, NotEqual, Regex, NotRegex }

/// <summary>
/// One label matcher, as in Alertmanager: <c>name=value</c>, <c>name!=value</c>, <c>name=~regex</c>,
/// <c>name!~regex</c>. A missing label reads as the empty string, so <c>team!=dba</c> matches an alert without a
/// team and <c>team=""</c> matches only such alerts. Regexes are anchored at both ends: <c>severity=~WARN</c> does
/// not match WARNING.
/// </summary>
public sealed class LabelMatcher
{
    // Anchored with \A and \z, not ^ and $, which would also accept a trailing newline.
    // Non-backtracking: linear time whatever a user types on the command line, and the same feature set as the
    // RE2 engine Alertmanager uses (no backreferences or lookarounds).
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly Regex? _regex;

    public string Name { get; }
    public MatchOperator Operator { get; }
    public string Value { get; }

    public LabelMatcher(string name, MatchOperator op, string value)
    {
        if (!LabelNames.IsValid(name)) throw new MatcherFormatException($"'{name}' is not a label name (letters, digits and '_', not starting with a digit)");
        Name = name;
        Operator = op;
        Value = value;
        if (op is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            // Checked on its own first so an error points into what the user wrote, not into the anchored wrapper.
            try { _ = new Regex(value, Options); _regex = new Regex($@"\A(?:{value})\z", Options); }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                throw new MatcherFormatException($"{name}: '{value}' is not a valid regular expression: {ex.Message}");
            }
        }
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var actual = labels.TryGetValue(Name, out var v) ? v : "";
        return Operator switch
        {
            MatchOperator.Equal => string.Equals(actual, Value, StringComparison.Ordinal),
            MatchOperator.NotEqual => !string.Equals(actual, Value, StringComparison.Ordinal),
            MatchOperator.Regex => _regex!.IsMatch(actual),
            _ => !_regex!.IsMatch(actual),
        };
    }

    /// <summary>True when the matcher also matches an alert that lacks the label (e.g. <c>team!=dba</c>, <c>x=~.*</c>).</summary>
    public bool MatchesEmpty() => Matches(Empty);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    public static string Symbol(MatchOperator op) => op switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    };

    /// <summary>The text form, which <see cref="MatcherParser.Parse"/> reads back to the same matcher.</summary>
    public override string ToString() =>
        Name + Symbol(Operator) + (NeedsQuotes(Value) ? "\"" + Value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : Value);

    private static bool NeedsQuotes(string v) =>
        v.Length == 0 || v != v.Trim() || v.StartsWith('"') || v.Contains(',');
}

/// <summary>Label names as Prometheus allows them.</summary>
public static class LabelNames
{
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || char.IsAsciiDigit(name[0])) return false;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }
}

/// <summary>A matcher text that cannot be read; the message says what is wrong and where.</summary>
public sealed class MatcherFormatException(string message) : FormatException(message);
