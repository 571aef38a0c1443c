using System.Text;
using System.Text.RegularExpressions;

namespace Gds.Contracts.Secrets;

/// <summary>
/// The one secret syntax of gds (docs/configuration.md, "Secrets"): a configuration value that may reference secrets,
/// <c>${NAME}</c> (an environment variable), <c>${file:/path}</c> (a file's content, trimmed), or a whole value
/// <c>file:/path</c>; <c>$$</c> stands for a literal <c>$</c>. The collector parses it when the targets file is read, so
/// a malformed reference is reported up front, but resolves it only when it connects: the secret is never held longer
/// than a connection attempt, and a rotated file is picked up at the next scrape. The warehouse resolves its
/// connection string with it.
/// </summary>
public sealed partial class SecretTemplate
{
    private readonly IReadOnlyList<Part> _parts;

    private SecretTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as written, with references unresolved; safe to show.</summary>
    public string Text { get; }

    public bool HasReferences => _parts.Any(p => p.Kind != PartKind.Literal);

    /// <summary>The environment variables and files this value reads, for messages.</summary>
    public IEnumerable<string> References => _parts.Where(p => p.Kind != PartKind.Literal)
        .Select(p => p.Kind == PartKind.Environment ? "${" + p.Value + "}" : "file:" + p.Value);

    public static SecretTemplate Literal(string text) => new(text, [new Part(PartKind.Literal, text)]);

    /// <summary>Parses the template or throws <see cref="FormatException"/> saying what is malformed.</summary>
    public static SecretTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = text["file:".Length..].Trim();
            if (path.Length == 0) throw new FormatException("'file:' needs a path, e.g. file:/run/secrets/pg");
            return new SecretTemplate(text, [new Part(PartKind.File, path)]);
        }
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '$' && i + 1 < text.Length && text[i + 1] == '$')
            {
                literal.Append('$');
                i += 2;
                continue;
            }
            if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0) throw new FormatException($"'${{' at position {i + 1} has no closing '}}'");
                var inner = text[(i + 2)..end];
                if (literal.Length > 0) { parts.Add(new Part(PartKind.Literal, literal.ToString())); literal.Clear(); }
                if (inner.StartsWith("file:", StringComparison.Ordinal))
                {
                    var path = inner["file:".Length..].Trim();
                    if (path.Length == 0) throw new FormatException("'${file:}' needs a path, e.g. ${file:/run/secrets/pg}");
                    parts.Add(new Part(PartKind.File, path));
                }
                else
                {
                    if (!EnvironmentName().IsMatch(inner))
                        throw new FormatException($"'${{{inner}}}' is not an environment variable name (letters, digits and _, not starting with a digit)");
                    parts.Add(new Part(PartKind.Environment, inner));
                }
                i = end + 1;
                continue;
            }
            literal.Append(c);
            i++;
        }
        if (literal.Length > 0) parts.Add(new Part(PartKind.Literal, literal.ToString()));
        return new SecretTemplate(text, parts);
    }

    /// <summary>
    /// Substitutes every reference. Throws <see cref="SecretResolutionException"/> naming the missing variable or
    /// file, never a value.
    /// </summary>
    public ResolvedSecret Resolve(Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        var result = new StringBuilder();
        var secrets = new List<string>();
        var missing = new List<string>();
        foreach (var part in _parts)
        {
            switch (part.Kind)
            {
                case PartKind.Literal:
                    result.Append(part.Value);
                    break;
                case PartKind.Environment:
                    var value = environment(part.Value);
                    if (value is null)
                    {
                        missing.Add(part.Value);
                        break;
                    }
                    result.Append(value);
                    secrets.Add(value);
                    break;
                case PartKind.File:
                    string content;
                    try
                    {
                        content = File.ReadAllText(part.Value).Trim();
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        throw new SecretResolutionException($"secret file {part.Value} cannot be read: {ex.GetType().Name}");
                    }
                    result.Append(content);
                    secrets.Add(content);
                    break;
            }
        }
        if (missing.Count > 0)
            throw new SecretResolutionException(
                $"environment variable{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} {(missing.Count > 1 ? "are" : "is")} not set", missing);
        return new ResolvedSecret(result.ToString(), secrets);
    }

    /// <summary>The template with every reference replaced by <paramref name="placeholder"/>, for syntax checks at load time.</summary>
    public string WithPlaceholders(string placeholder) =>
        string.Concat(_parts.Select(p => p.Kind == PartKind.Literal ? p.Value : placeholder));

    // Deliberately the template, not a resolved value: a SecretTemplate can be logged or put in an exception safely.
    public override string ToString() => Text;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();

    private enum PartKind { Literal, Environment, File }

    private sealed record Part(PartKind Kind, string Value);
}

/// <summary>A resolved value and the secret pieces substituted into it, so messages can be scrubbed of them.</summary>
public sealed class ResolvedSecret(string value, IReadOnlyList<string> secrets)
{
    private readonly IReadOnlyList<string> _secrets = secrets;

    public string Value { get; } = value;

    /// <summary>One redactor over several resolved values (e.g. each value of a key=value connection).</summary>
    public static ResolvedSecret Combine(string value, IEnumerable<ResolvedSecret> parts) =>
        new(value, parts.SelectMany(p => p._secrets).ToList());

    /// <summary>Replaces every substituted secret in <paramref name="text"/> with ***.</summary>
    public string Redact(string text)
    {
        foreach (var s in _secrets)
        {
            // Very short values (e.g. a port) would scrub unrelated text and are not worth hiding.
            if (s.Length >= 3) text = text.Replace(s, "***", StringComparison.Ordinal);
        }
        return text;
    }

    // Never the value: a resolved secret that reaches a log line by accident shows nothing.
    public override string ToString() => "***";
}

/// <summary>A secret reference that cannot be resolved now; the message names the variable or file, not a value.</summary>
public sealed class SecretResolutionException(string message, IReadOnlyList<string>? missingVariables = null) : Exception(message)
{
    /// <summary>Every environment variable referenced and not set.</summary>
    public IReadOnlyList<string> MissingVariables { get; } = missingVariables ?? [];
}
