using Gds.Monitor.Targets;
using Gds.Contracts.Secrets;

namespace Gds.Monitor.Tests.Targets;

public class SecretTemplateTests
{
    [Fact]
    public void Environment_references_are_resolved_when_asked_not_when_parsed()
    {
        var template = SecretTemplate.Parse("Host=db;Password=${PW};Port=5432");
        Assert.Equal("Host=db;Password=${PW};Port=5432", template.ToString());
        var resolved = template.Resolve(name => name == "PW" ? "s3cret!" : null);
        Assert.Equal("Host=db;Password=s3cret!;Port=5432", resolved.Value);
        Assert.Equal("***", resolved.ToString());
    }

    [Fact]
    public void File_references_read_the_file_each_time()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "first\n");
            var inline = SecretTemplate.Parse($"Password=${{file:{path}}}");
            var whole = SecretTemplate.Parse($"file:{path}");
            Assert.Equal("Password=first", inline.Resolve().Value);
            File.WriteAllText(path, "rotated");
            Assert.Equal("Password=rotated", inline.Resolve().Value);
            Assert.Equal("rotated", whole.Resolve().Value);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_variable_or_file_is_named_without_any_value()
    {
        var ex = Assert.Throws<SecretResolutionException>(() => SecretTemplate.Parse("Password=${NOPE_NOT_SET}").Resolve(_ => null));
        Assert.Equal("environment variable NOPE_NOT_SET is not set", ex.Message);
        var fileEx = Assert.Throws<SecretResolutionException>(() => SecretTemplate.Parse("file:/nonexistent/secret").Resolve());
        Assert.StartsWith("secret file /nonexistent/secret cannot be read", fileEx.Message);
    }

    [Fact]
    public void Dollar_dollar_is_a_literal_dollar()
    {
        Assert.Equal("Password=a$b${X}", SecretTemplate.Parse("Password=a$$b$${X}").Resolve(_ => null).Value);
    }

    [Theory]
    [InlineData("Password=${1BAD}", "is not an environment variable name")]
    [InlineData("Password=${PW", "has no closing")]
    [InlineData("file:", "needs a path")]
    public void Malformed_references_are_refused_at_parse_time(string text, string expected)
    {
        Assert.Contains(expected, Assert.Throws<FormatException>(() => SecretTemplate.Parse(text)).Message);
    }

    [Fact]
    public void Redact_scrubs_every_substituted_secret()
    {
        var resolved = SecretTemplate.Parse("User=${U};Password=${P}").Resolve(n => n == "U" ? "monitor" : "pa55word");
        Assert.Equal("login *** failed with ***", resolved.Redact("login monitor failed with pa55word"));
    }
}
