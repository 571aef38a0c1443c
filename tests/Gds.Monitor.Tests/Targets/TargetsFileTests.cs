using Gds.Monitor.Targets;

namespace Gds.Monitor.Tests.Targets;

public class TargetsFileTests
{
    private const string IssueExample = """
        targets:
          - id: prod-db-01                     # becomes instance_id
            type: postgresql                   # postgresql | mongodb | mssql | snowflake
            environment: production
            connection: "Host=db1;Username=monitor;Password=${PG_MONITOR_PASSWORD}"   # ${ENV} or file:/path for secrets
            interval: 30s
            timeout: 10s
            tags: {region: us-east-1, service: billing}
            enabled: true
        """;

    [Fact]
    public void The_example_of_the_issue_reads_as_written()
    {
        var file = TargetsFile.Parse(IssueExample);
        var t = Assert.Single(file.Targets);
        Assert.Equal("prod-db-01", t.Id);
        Assert.Equal("postgresql", t.Type);
        Assert.Equal("production", t.Environment);
        Assert.Equal(TimeSpan.FromSeconds(30), t.Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), t.Timeout);
        Assert.Equal(new Dictionary<string, string> { ["region"] = "us-east-1", ["service"] = "billing" }, t.Tags);
        Assert.True(t.Enabled);
        Assert.Equal(["${PG_MONITOR_PASSWORD}"], t.Connection.References);
        Assert.Empty(file.Warnings);
    }

    [Fact]
    public void Defaults_apply_to_interval_timeout_and_enabled()
    {
        var file = TargetsFile.Parse("""
            targets:
              - {id: a, type: mongodb, environment: staging, connection: "mongodb://h:27017"}
            """);
        var t = Assert.Single(file.Targets);
        Assert.Equal(TargetDefaults.Interval, t.Interval);
        Assert.Equal(TargetDefaults.Timeout, t.Timeout);
        Assert.True(t.Enabled);
    }

    [Fact]
    public void Every_error_names_the_file_line_target_and_field()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Parse("""
            targets:
              - id: good-one
                type: postgresql
                environment: production
                connection: "Host=db1"
              - id: bad-one
                type: oracle
                environment: Production
                connection: "Host=db2"
                interval: 30x
                timeout: 1m
                intervall: 5s
            """, "fleet.yaml"));
        var messages = ex.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("fleet.yaml:7: target 'bad-one': type: 'oracle' is not one of postgresql | mongodb | mssql | snowflake", messages);
        Assert.Contains(messages, m => m.StartsWith("fleet.yaml:8: target 'bad-one': environment: 'Production' must be lower-case", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("fleet.yaml:10: target 'bad-one': interval: '30x' is not a duration", StringComparison.Ordinal));
        Assert.Contains("fleet.yaml:12: target 'bad-one': intervall: unknown field (did you mean 'interval'?)", messages);
        Assert.Equal(4, ex.Errors.Count);
    }

    [Fact]
    public void Missing_fields_and_a_timeout_longer_than_the_interval_are_reported()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Parse("""
            targets:
              - id: x
                type: mssql
                interval: 10s
                timeout: 20s
            """));
        var messages = ex.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("targets.yaml:2: target 'x': environment: missing (required)", messages);
        Assert.Contains("targets.yaml:2: target 'x': connection: missing (required)", messages);
        Assert.Contains(messages, m => m.StartsWith("targets.yaml:5: target 'x': timeout: 20s is longer than the interval 10s", StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_ids_point_at_the_first_use()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Parse("""
            targets:
              - {id: db, type: postgresql, environment: prod, connection: "Host=a"}
              - {id: db, type: postgresql, environment: prod, connection: "Host=b"}
            """));
        Assert.Equal("targets.yaml:3: target 'db': id: duplicate: already used by the target at line 2", Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Connection_problems_are_found_before_connecting()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Parse("""
            targets:
              - {id: pg, type: postgresql, environment: prod, connection: "Hots=db1;Password=${PW}"}
              - {id: mongo, type: mongodb, environment: prod, connection: "db1:27017"}
              - {id: snow, type: snowflake, environment: prod, connection: "account=xy12345"}
              - {id: ref, type: postgresql, environment: prod, connection: "Host=db;Password=${PW"}
            """));
        var messages = ex.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.StartsWith("targets.yaml:2: target 'pg': connection:", StringComparison.Ordinal) && m.Contains("hots", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("targets.yaml:3: target 'mongo': connection: a MongoDB connection must be a mongodb:// or mongodb+srv:// URL", messages);
        Assert.Contains("targets.yaml:4: target 'snow': connection: 'user' is missing", messages);
        Assert.Contains(messages, m => m.StartsWith("targets.yaml:5: target 'ref': connection: '${' at position", StringComparison.Ordinal));
    }

    [Fact]
    public void A_password_written_in_the_file_is_accepted_with_a_warning()
    {
        var file = TargetsFile.Parse("""
            targets:
              - {id: pg, type: postgresql, environment: prod, connection: "Host=db1;Password=hunter2"}
            """);
        var warning = Assert.Single(file.Warnings);
        Assert.Contains("use ${ENV_VAR} or ${file:/path}", warning.ToString());
        Assert.DoesNotContain("hunter2", warning.ToString());
    }

    [Fact]
    public void Yaml_syntax_errors_give_the_line()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Parse("targets:\n  - id: a\n    type: [postgresql\n"));
        Assert.StartsWith("targets.yaml:", Assert.Single(ex.Errors).ToString());
        Assert.Contains("not valid YAML", ex.Message);
    }

    [Fact]
    public void Tags_may_not_set_the_environment_and_must_be_scalars()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Parse("""
            targets:
              - id: a
                type: postgresql
                environment: prod
                connection: "Host=a"
                tags:
                  environment: staging
                  team: [a, b]
            """));
        var messages = ex.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains("targets.yaml:7: target 'a': tags.environment: set the environment with the 'environment' field, not as a tag", messages);
        Assert.Contains("targets.yaml:8: target 'a': tags.team: a tag value must be a single value", messages);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var ex = Assert.Throws<TargetsFileException>(() => TargetsFile.Load("/nonexistent/targets.yaml"));
        Assert.Equal("/nonexistent/targets.yaml: the file does not exist", ex.Message);
    }

    [Fact]
    public void The_example_targets_file_of_the_repository_is_valid()
    {
        var path = Path.Combine(RepositoryRoot(), "examples", "targets.yaml");
        var file = TargetsFile.Load(path);
        Assert.Equal(["mongodb", "mssql", "postgresql", "snowflake"], file.Targets.Select(t => t.Type).Distinct().Order());
        Assert.Empty(file.Warnings);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GdsStreams.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("GdsStreams.sln not found above the test directory");
    }
}
