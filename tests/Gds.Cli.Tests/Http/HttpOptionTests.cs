namespace Gds.Cli.Tests.Http;

[Collection(CliCollection.Name)]
public sealed class HttpOptionTests
{
    [Theory]
    [InlineData("streams")]
    [InlineData("sink")]
    [InlineData("collect")]
    [InlineData("dw-import")]
    public async Task Every_long_running_verb_takes_http_and_a_bad_address_is_a_usage_error_before_anything_starts(string verb)
    {
        var (code, _, err) = await CliRunner.RunAsync(verb, "--bootstrap", "127.0.0.1:1", "--http", "9464");
        Assert.Equal(2, code);
        Assert.Contains("--http", err);
        Assert.Contains("HOST:PORT", err);
    }
}
