namespace Gds.Alerting.Kinds;

/// <summary>The comparison operators of rules.</summary>
public static class Comparison
{
    public static readonly IReadOnlyList<string> Operators = [">", ">=", "<", "<=", "==", "!="];

    public static bool IsOperator(string op) => Operators.Contains(op);

    public static bool Holds(string op, double left, double right) => op switch
    {
        ">" => left > right,
        ">=" => left >= right,
        "<" => left < right,
        "<=" => left <= right,
        "==" => left == right,
        "!=" => left != right,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown operator"),
    };
}
