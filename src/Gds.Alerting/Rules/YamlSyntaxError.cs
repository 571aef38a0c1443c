using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;

namespace Gds.Alerting.Rules;

/// <summary>
/// Where a YAML text stops being readable, for the errors YamlDotNet throws without a position: an unclosed flow
/// mapping or sequence (<c>selector: {metric: m</c>) ends in an InvalidOperationException from its scanner, with
/// no mark. Scanning again token by token tells the unclosed bracket (or else the last token read).
/// </summary>
public static class YamlSyntaxError
{
    public static (int Line, int Column, string Message) Locate(string yaml)
    {
        var open = new Stack<(char Bracket, Mark At)>();
        var last = Mark.Empty;
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            while (scanner.MoveNext())
            {
                var token = scanner.Current!;
                last = token.End;
                switch (token)
                {
                    case FlowMappingStart: open.Push(('{', token.Start)); break;
                    case FlowSequenceStart: open.Push(('[', token.Start)); break;
                    case FlowMappingEnd or FlowSequenceEnd when open.Count > 0: open.Pop(); break;
                }
            }
        }
        catch (YamlException ex)
        {
            return ((int)ex.Start.Line, (int)ex.Start.Column, ex.InnerException?.Message ?? ex.Message);
        }
        catch (InvalidOperationException)
        {
            // The scanner gave up: fall through to what it had read.
        }
        if (open.TryPeek(out var innermost))
            return ((int)innermost.At.Line, (int)innermost.At.Column,
                $"'{innermost.Bracket}' is never closed: a flow {(innermost.Bracket == '{' ? "mapping" : "sequence")} needs its '{(innermost.Bracket == '{' ? '}' : ']')}' (on the same logical line, or quote the value)");
        return ((int)Math.Max(1, last.Line), (int)Math.Max(1, last.Column), "the YAML cannot be read past here");
    }
}
