using System.Text;

namespace Gds.Alerting.Matchers;

/// <summary>
/// Reads matcher texts: <c>name OP value</c> with OP one of <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>; spaces
/// around the operator are allowed; the value may be double-quoted (with \" and \\ escapes) to keep spaces or a
/// leading quote. Every error names the matcher and what is wrong with it.
/// </summary>
public static class MatcherParser
{
    public static LabelMatcher Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new MatcherFormatException("empty matcher (expected e.g. instance_id=prod-db-01)");
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
        var name = s[..i];
        if (name.Length == 0)
            throw new MatcherFormatException($"'{text}': expected a label name first (e.g. instance_id=prod-db-01)");
        if (!LabelNames.IsValid(name))
            throw new MatcherFormatException($"'{text}': '{name}' is not a label name (it must not start with a digit)");
        while (i < s.Length && s[i] == ' ') i++;
        var rest = s.AsSpan(i);
        MatchOperator op;
        if (rest.StartsWith("=~")) { op = MatchOperator.Regex; i += 2; }
        else if (rest.StartsWith("!~")) { op = MatchOperator.NotRegex; i += 2; }
        else if (rest.StartsWith("!=")) { op = MatchOperator.NotEqual; i += 2; }
        else if (rest.StartsWith("=")) { op = MatchOperator.Equal; i += 1; }
        else
            throw new MatcherFormatException(
                $"'{text}': expected an operator after '{name}' (one of =, !=, =~, !~)" + (rest.IsEmpty ? "" : $", found '{rest[0]}'"));
        var value = ReadValue(text, s[i..].Trim());
        try { return new LabelMatcher(name, op, value); }
        catch (MatcherFormatException ex) { throw new MatcherFormatException($"'{text}': {ex.Message}"); }
    }

    public static bool TryParse(string text, out LabelMatcher? matcher, out string? error)
    {
        try
        {
            matcher = Parse(text);
            error = null;
            return true;
        }
        catch (MatcherFormatException ex)
        {
            matcher = null;
            error = ex.Message;
            return false;
        }
    }

    private static string ReadValue(string text, string v)
    {
        if (!v.StartsWith('"')) return v;
        var sb = new StringBuilder(v.Length);
        for (var i = 1; i < v.Length; i++)
        {
            var c = v[i];
            if (c == '\\' && i + 1 < v.Length) { sb.Append(v[++i]); continue; }
            if (c == '"')
            {
                if (i != v.Length - 1) throw new MatcherFormatException($"'{text}': unexpected text after the closing quote");
                return sb.ToString();
            }
            sb.Append(c);
        }
        throw new MatcherFormatException($"'{text}': the quoted value has no closing quote");
    }
}
