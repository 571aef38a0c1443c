using System.Diagnostics;

namespace Gds.Cli.Tests.Schemas;

/// <summary>`gds schemas check` run as a user types it, on a throwaway git repository.</summary>
[Collection(CliCollection.Name)]
public sealed class SchemasCheckCliTests : IDisposable
{
    private const string Version1 = """
        {"type":"record","name":"Metric","namespace":"gds.contracts","fields":[
          {"name":"metric_name","type":"string"},
          {"name":"value","type":"double"},
          {"name":"labels","type":{"type":"map","values":"string"}}
        ]}
        """;

    private readonly string _repo = Path.Combine(Path.GetTempPath(), "gds-schemas-check-" + Guid.NewGuid().ToString("N"));
    private string Dir => Path.Combine(_repo, "schemas");
    private string Metric => Path.Combine(Dir, "metric.avsc");

    public SchemasCheckCliTests()
    {
        Directory.CreateDirectory(Dir);
        Git("init", "-q");
        File.WriteAllText(Metric, Version1);
        Commit("metric.avsc v1");
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    [Fact]
    public async Task An_unchanged_schema_and_a_field_added_with_a_default_pass()
    {
        var unchanged = await Check();
        Assert.Equal(0, unchanged.Code);
        Assert.Contains("metric.avsc: unchanged", unchanged.Out);

        File.WriteAllText(Metric, Version1.Replace("""{"name":"value","type":"double"},""",
            """{"name":"value","type":"double"}, {"name":"unit","type":"string","default":""},"""));
        var (code, output, _) = await Check();
        Assert.Equal(0, code);
        Assert.Contains("metric.avsc: compatible with", output);
    }

    [Fact]
    public async Task An_uncommitted_type_change_or_field_without_default_fails_naming_the_field()
    {
        File.WriteAllText(Metric, Version1.Replace("""{"name":"value","type":"double"}""", """{"name":"value","type":"string"}""")
            .Replace("""{"name":"metric_name","type":"string"},""", """{"name":"metric_name","type":"string"}, {"name":"unit","type":"string"},"""));
        var (code, output, _) = await Check();
        Assert.Equal(1, code);
        Assert.Contains("metric.avsc: INCOMPATIBLE with", output);
        Assert.Contains("Metric.value: type changed from double to string", output);
        Assert.Contains("Metric.unit: new field without a default cannot be read from old records", output);
        Assert.Contains("1 incompatible", output);
    }

    [Fact]
    public async Task A_field_removed_without_default_fails_by_default_and_passes_only_backward()
    {
        File.WriteAllText(Metric, Version1.Replace("""{"name":"value","type":"double"},""", """{"name":"value","type":"double"}""")
            .Replace("""{"name":"labels","type":{"type":"map","values":"string"}}""", ""));
        Assert.Equal(0, (await Check("--level", "BACKWARD")).Code); // new readers skip what old records carry
        // By default (FULL) it is refused: during a rolling upgrade old readers still read what new writers write.
        var (code, output, _) = await Check();
        Assert.Equal(1, code);
        Assert.Contains("Metric.labels: field removed, and the old schema has no default for it: old readers cannot read new records", output);
    }

    [Fact]
    public async Task A_committed_incompatible_change_is_compared_with_the_version_before_it()
    {
        var v1 = Git("rev-parse", "HEAD").Trim();
        File.WriteAllText(Metric, Version1.Replace("""{"name":"value","type":"double"}""", """{"name":"value","type":"boolean"}"""));
        Commit("metric.avsc: value as boolean");

        var (code, output, _) = await Check();
        Assert.Equal(1, code);
        Assert.Contains($"metric.avsc: INCOMPATIBLE with {v1[..10]}", output);
        Assert.Contains("Metric.value: type changed from double to boolean", output);

        var pinned = await Check("--against", "HEAD");
        Assert.Equal(0, pinned.Code);
        Assert.Contains("metric.avsc: unchanged", pinned.Out);
    }

    [Fact]
    public async Task A_new_file_passes_and_a_file_missing_at_the_revision_is_new_there()
    {
        File.WriteAllText(Path.Combine(Dir, "unit.avsc"), """{"type":"record","name":"Unit","fields":[{"name":"name","type":"string"}]}""");
        var (code, output, _) = await Check();
        Assert.Equal(0, code);
        Assert.Contains("unit.avsc: new schema", output);
        Assert.Contains("2 schema(s) checked", output);
    }

    [Fact]
    public async Task Usage_errors_exit_2_naming_what_is_wrong()
    {
        var unknown = await Check("--against", "no-such-branch");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("--against no-such-branch: no such revision", unknown.Err);

        File.WriteAllText(Metric, """{"type":"record","name":"Metric","fields":[{"name":"value","type":"dobule"}]}""");
        var broken = await Check();
        Assert.Equal(2, broken.Code);
        Assert.Contains("metric.avsc: not a valid Avro schema", broken.Err);
        Assert.Contains("dobule", broken.Err);

        var level = await Check("--level", "SIDEWAYS");
        Assert.Equal(2, level.Code);
    }

    [Fact]
    public async Task Outside_a_git_checkout_nothing_is_compared_and_the_check_passes_unless_a_revision_is_asked()
    {
        var exported = Path.Combine(Path.GetTempPath(), "gds-schemas-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(exported);
        try
        {
            File.WriteAllText(Path.Combine(exported, "metric.avsc"), Version1);
            var plain = await CliRunner.RunAsync("schemas", "check", "--dir", exported);
            Assert.Equal(0, plain.Code);
            Assert.Contains("not inside a git checkout: 1 schema(s) parsed, nothing to compare them with", plain.Out);

            var pinned = await CliRunner.RunAsync("schemas", "check", "--dir", exported, "--against", "HEAD");
            Assert.Equal(2, pinned.Code);
            Assert.Contains("is not inside a git checkout", pinned.Err);
        }
        finally
        {
            Directory.Delete(exported, recursive: true);
        }
    }

    private Task<(int Code, string Out, string Err)> Check(params string[] more) =>
        CliRunner.RunAsync(["schemas", "check", "--dir", Dir, .. more]);

    private void Commit(string message)
    {
        Git("add", "-A");
        Git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "-m", message);
    }

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _repo };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {error}");
        return output;
    }
}
