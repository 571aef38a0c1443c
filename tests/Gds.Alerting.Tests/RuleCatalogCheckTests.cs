namespace Gds.Alerting.Tests;

/// <summary>Rules that select a metric no collector emits, or one of another database type, are warned about by line.</summary>
public sealed class RuleCatalogCheckTests
{
    private static IReadOnlyList<string> Warnings(string yaml)
    {
        var file = new RuleFileReader().Read("r.yaml", yaml);
        Assert.True(file.IsValid, string.Join("\n", file.Errors));
        return RuleCatalogCheck.Check(file).Select(w => w.ToString()).ToList();
    }

    [Fact]
    public void A_misspelt_metric_is_warned_about_at_its_line_with_the_catalogue_name_it_was_meant_to_be()
    {
        var warnings = Warnings("""
            rules:
              - id: mongo-lag
                kind: threshold
                severity: CRITICAL
                selector:
                  database_type: mongodb
                  metric: mongodb_repl_lag_seconds
                op: ">"
                value: 30
              - id: queued
                kind: threshold
                selector: { metric: snowflake_warehouse_queued_load }
                op: ">"
                value: 5
            """);
        Assert.Equal(
        [
            "r.yaml:7: rule 'mongo-lag': selector.metric: 'mongodb_repl_lag_seconds' is not a metric any collector emits (did you mean 'mongodb_replset_lag_seconds'?); a custom metric is fine if your own producer publishes it",
            "r.yaml:12: rule 'queued': selector.metric: 'snowflake_warehouse_queued_load' is not a metric any collector emits (did you mean 'snowflake_warehouse_queued_load_queries'?); a custom metric is fine if your own producer publishes it",
        ], warnings);
    }

    [Fact]
    public void Burn_rate_counters_are_checked_too_and_a_custom_metric_gets_no_suggestion()
    {
        var warnings = Warnings("""
            rules:
              - id: pg-errors
                kind: burn_rate
                selector: { database_type: postgresql }
                objective: 99.9
                bad_metric: pg_xact_rollback_total
                total_metric: app_requests_total
            """);
        Assert.Equal(["r.yaml:7: rule 'pg-errors': total_metric: 'app_requests_total' is not a metric any collector emits; a custom metric is fine if your own producer publishes it"], warnings);
    }

    [Fact]
    public void A_selector_whose_database_type_is_not_the_metrics_is_warned_about_at_the_database_type()
    {
        var warnings = Warnings("""
            rules:
              - id: size
                kind: threshold
                selector:
                  metric: pg_database_size_bytes
                  database_type: mssql
                op: ">"
                value: 1e12
            """);
        Assert.Equal(["r.yaml:6: rule 'size': selector.database_type: 'mssql', but selector.metric 'pg_database_size_bytes' is a postgresql metric: the rule can never match it"], warnings);
    }

    [Fact]
    public void Catalogue_metrics_of_the_right_type_and_the_collectors_own_metrics_are_fine_for_any_type()
    {
        Assert.Empty(Warnings("""
            rules:
              - id: size
                kind: threshold
                selector: { metric: pg_database_size_bytes, database_type: postgresql, tags: { database: orders } }
                op: ">"
                value: 1e12
              - id: down
                kind: threshold
                selector: { metric: gds_collector_up, database_type: snowflake }
                op: "<"
                value: 1
              - id: silent
                kind: absence
                selector: { database_type: mongodb }
                scope: instance
                timeout: 5m
            """));
    }
}
