using Gds.Warehouse.Connections;

namespace Gds.Warehouse.Tests.Connections;

public class EnvironmentReferencesTests
{
    private static readonly Dictionary<string, string> Env = new() { ["PGPASS"] = "s3cr;et", ["HOST"] = "db.internal" };

    [Fact]
    public void References_are_replaced_from_the_environment()
    {
        Assert.Equal("Host=db.internal;Password=s3cr;et", EnvironmentReferences.Expand("Host=${HOST};Password=${PGPASS}", Env.GetValueOrDefault));
        Assert.Equal("literal ${NOT_A_REF}", EnvironmentReferences.Expand("literal $${NOT_A_REF}", Env.GetValueOrDefault));
    }

    [Fact]
    public void A_file_reference_reads_the_secret_from_the_file_as_the_collector_does()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-file\n");
            Assert.Equal("Host=db.internal;Password=from-file", EnvironmentReferences.Expand($"Host=${{HOST}};Password=${{file:{file}}}", Env.GetValueOrDefault));
            var missing = Assert.Throws<ConnectionStringException>(() => EnvironmentReferences.Expand("Password=${file:/nonexistent/pw}", Env.GetValueOrDefault));
            Assert.Contains("/nonexistent/pw", missing.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_missing_variable_is_named_and_no_value_is_shown()
    {
        var ex = Assert.Throws<ConnectionStringException>(() =>
            EnvironmentReferences.Expand("Host=${HOST};Username=${PGUSER};Password=${PGPASSWORD_MISSING}", Env.GetValueOrDefault));

        Assert.Contains("PGUSER, PGPASSWORD_MISSING", ex.Message);
        Assert.DoesNotContain("db.internal", ex.Message);
    }

    [Fact]
    public void A_malformed_reference_is_refused()
    {
        var ex = Assert.Throws<ConnectionStringException>(() => EnvironmentReferences.Expand("Password=${PG-PASS}", Env.GetValueOrDefault));

        Assert.Contains("${PG-PASS}", ex.Message);
    }

    [Fact]
    public void A_postgresql_connection_is_described_without_its_password()
    {
        Environment.SetEnvironmentVariable("GDS_TEST_DESCRIBE_PW", "hunter2");
        var b = PostgreSqlConnection.Parse("Host=127.0.0.1;Port=5433;Database=dw;Username=loader;Password=${GDS_TEST_DESCRIBE_PW}");

        Assert.Equal("hunter2", b.Password);
        Assert.Equal("postgresql://loader@127.0.0.1:5433/dw", PostgreSqlConnection.Describe(b));
    }

    [Fact]
    public void A_bad_postgresql_connection_string_names_the_bad_keyword()
    {
        var ex = Assert.Throws<ConnectionStringException>(() => PostgreSqlConnection.Parse("Host=x;Pasword=oops"));

        Assert.Contains("pasword", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("postgresql", WarehouseTarget.PostgreSql)]
    [InlineData("Snowflake", WarehouseTarget.Snowflake)]
    public void Targets_are_parsed(string text, WarehouseTarget target) => Assert.Equal(target, WarehouseTargets.Parse(text));

    [Fact]
    public void An_unknown_target_names_the_choices() =>
        Assert.Contains("postgresql or snowflake", Assert.Throws<ConnectionStringException>(() => WarehouseTargets.Parse("bigquery")).Message);
}
