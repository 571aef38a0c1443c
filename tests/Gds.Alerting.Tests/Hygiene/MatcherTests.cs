using Gds.Alerting.Matchers;

namespace Gds.Alerting.Tests.Hygiene;

public class MatcherTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["instance_id"] = "prod-db-01", ["severity"] = "WARNING", ["environment"] = "production",
    };

    [Theory]
    [InlineData("instance_id=prod-db-01", true)]
    [InlineData("instance_id = prod-db-01", true)]
    [InlineData("instance_id!=prod-db-01", false)]
    [InlineData("severity=~WARNING|INFO", true)]
    [InlineData("severity=~WARN", false)]            // anchored: a prefix is not a match
    [InlineData("severity=~.*ARN.*", true)]
    [InlineData("severity!~CRITICAL", true)]
    [InlineData("team!=dba", true)]                  // a missing label reads as ""
    [InlineData("team=\"\"", true)]
    [InlineData("team=~.+", false)]
    [InlineData("instance_id=\"prod-db-01\"", true)]
    public void Each_operator_matches_as_alertmanager_does(string text, bool expected) =>
        Assert.Equal(expected, MatcherParser.Parse(text).Matches(Labels));

    [Fact]
    public void A_regex_is_anchored_at_the_end_too_even_before_a_newline() =>
        Assert.False(MatcherParser.Parse("x=~a").Matches(new Dictionary<string, string> { ["x"] = "a\n" }));

    [Fact]
    public void Quoted_values_keep_spaces_and_escapes()
    {
        var m = MatcherParser.Parse("summary=\"disk \\\"full\\\" soon\"");
        Assert.Equal("disk \"full\" soon", m.Value);
        Assert.Equal(MatchOperator.Equal, m.Operator);
        Assert.Equal(m.Value, MatcherParser.Parse(m.ToString()).Value);
    }

    [Theory]
    [InlineData("", "empty matcher")]
    [InlineData("=prod", "expected a label name first")]
    [InlineData("1abc=x", "must not start with a digit")]
    [InlineData("instance_id", "expected an operator after 'instance_id'")]
    [InlineData("instance_id<prod", "found '<'")]
    [InlineData("severity=~(WARNING", "not a valid regular expression")]
    [InlineData("x=\"open", "no closing quote")]
    public void Bad_matchers_say_what_is_wrong(string text, string message)
    {
        var ex = Assert.Throws<MatcherFormatException>(() => MatcherParser.Parse(text));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void A_set_reports_every_bad_matcher_at_once()
    {
        MatcherSet.Parse(["instance_id=a", "bad", "x=~("], out var errors);
        Assert.Equal(2, errors.Count);
        Assert.Contains("'bad'", errors[0]);
        Assert.Contains("'x=~('", errors[1]);
    }
}
