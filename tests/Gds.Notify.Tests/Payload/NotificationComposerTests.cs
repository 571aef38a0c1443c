using Gds.Notify.Payload;

namespace Gds.Notify.Tests.Payload;

public class NotificationComposerTests
{
    public const string ExpectedBody =
        "FIRING: CPU above 90% on prod-db-01\n" +
        "CPU usage has been above 90% for 5 minutes.\n" +
        "\n" +
        "What:      rule pg-cpu-high (threshold) on prod-db-01 [postgresql, production]\n" +
        "Metric:    cpu_usage_percent\n" +
        "Observed:  95.5 (expected > 90)\n" +
        "Since:     2025-01-15T10:30:00Z\n" +
        "Runbook:   https://runbooks.example.org/pg-cpu\n" +
        "Dashboard: https://grafana.example.org/d/pg?var-instance=prod-db-01\n" +
        "Labels:    env=production, team=dba\n" +
        "Alert id:  pg-cpu-high:prod-db-01:cpu_usage_percent\n" +
        "Event:     evt-1";

    public static string ExpectedJson(string eventId = "evt-1") =>
        "{\"alert_name\":\"pg-cpu-high\",\"db_instance_id\":\"prod-db-01\",\"subject\":\"Alert: CPU above 90% on prod-db-01\"," +
        "\"body_text\":" + System.Text.Json.JsonSerializer.Serialize(ExpectedBody.Replace("evt-1", eventId)) + "," +
        "\"message_id\":\"" + eventId + "\",\"severity\":\"CRITICAL\",\"runbook_url\":\"https://runbooks.example.org/pg-cpu\"," +
        "\"labels\":{\"team\":\"dba\",\"env\":\"production\"},\"routing_key\":\"dba\"}";

    [Fact]
    public void A_labelled_series_is_named_by_its_labels_in_the_body_and_the_default_message()
    {
        var e = Alerts.Firing(summary: null) with
        {
            MetricName = "pg_database_wraparound_ratio",
            SeriesLabels = new Dictionary<string, string> { ["database"] = "orders" },
            DedupKey = "pg-wraparound:prod-db-01:pg_database_wraparound_ratio{database=\"orders\"}",
        };
        var request = NotificationComposer.Compose(e);
        Assert.Equal("Alert: pg-cpu-high on orders@prod-db-01", request.Subject);
        Assert.Contains("What:      rule pg-cpu-high (threshold) on orders@prod-db-01 [postgresql, production]\n", request.BodyText);
        Assert.Contains("Metric:    pg_database_wraparound_ratio{database=\"orders\"}\n", request.BodyText);
        Assert.Contains("Alert id:  pg-wraparound:prod-db-01:pg_database_wraparound_ratio{database=\"orders\"}\n", request.BodyText);
    }

    [Fact]
    public void A_firing_event_becomes_exactly_the_request_gds_notification_expects()
    {
        var request = NotificationComposer.Compose(Alerts.Firing("evt-1"));
        Assert.Equal(ExpectedJson(), GdsJson.SerializeToString(request));
    }

    [Theory]
    [InlineData(AlertStatus.Firing, "Alert: ")]
    [InlineData(AlertStatus.Escalated, "Alert: ")]
    [InlineData(AlertStatus.Resolved, "Resolved: ")]
    [InlineData(AlertStatus.Acknowledged, "Acknowledged: ")]
    public void The_subject_starts_with_the_word_of_the_status(string status, string prefix)
    {
        var request = NotificationComposer.Compose(Alerts.Firing(status: status));
        Assert.Equal(prefix + "CPU above 90% on prod-db-01", request.Subject);
    }

    [Fact]
    public void The_subject_carries_the_first_50_characters_of_the_message()
    {
        var summary = new string('x', 45) + "0123456789";
        var request = NotificationComposer.Compose(Alerts.Firing(summary: summary));
        Assert.Equal("Alert: " + new string('x', 45) + "01234", request.Subject);
    }

    [Fact]
    public void The_cut_never_splits_a_character_made_of_two_code_units()
    {
        var summary = new string('a', 49) + "🔥🔥 hot";
        var subject = AlertMessage.Subject(Alerts.Firing(summary: summary));
        Assert.Equal("Alert: " + new string('a', 49) + "🔥", subject);
    }

    [Fact]
    public void Without_a_summary_the_message_is_rule_on_instance()
    {
        var request = NotificationComposer.Compose(Alerts.Firing(summary: null, status: AlertStatus.Resolved));
        Assert.Equal("Resolved: pg-cpu-high on prod-db-01", request.Subject);
        Assert.StartsWith("RESOLVED: pg-cpu-high on prod-db-01\n", request.BodyText);
    }

    [Fact]
    public void A_resolved_event_says_when_it_ended()
    {
        var e = Alerts.Firing(status: AlertStatus.Resolved) with { EndsAt = new DateTimeOffset(2025, 1, 15, 11, 0, 0, TimeSpan.Zero) };
        Assert.Contains("Ended:     2025-01-15T11:00:00Z\n", NotificationComposer.Compose(e).BodyText);
    }

    [Fact]
    public void Severity_is_matched_whatever_its_case()
    {
        Assert.Equal("WARNING", NotificationComposer.Compose(Alerts.Firing(severity: "warning")).Severity);
    }

    [Fact]
    public void An_unknown_severity_is_an_error_naming_the_event_and_the_value()
    {
        var ex = Assert.Throws<PayloadException>(() => NotificationComposer.Compose(Alerts.Firing("evt-9", severity: "PAGE")));
        Assert.Equal("event evt-9: severity 'PAGE' is not one of INFO, WARNING, CRITICAL", ex.Message);
    }

    [Fact]
    public void An_unknown_status_is_an_error_naming_the_event_and_the_value()
    {
        var ex = Assert.Throws<PayloadException>(() => NotificationComposer.Compose(Alerts.Firing("evt-8", status: "pending")));
        Assert.Contains("event evt-8: status 'pending'", ex.Message);
    }

    [Fact]
    public void Held_back_events_are_listed_after_the_alert()
    {
        var held = new[] { Alerts.Firing("evt-a", status: AlertStatus.Resolved), Alerts.Firing("evt-b") };
        var body = NotificationComposer.Compose(Alerts.Firing("evt-c"), held).BodyText;
        Assert.Contains("Held back by the rate limit since the last notification: 2 events\n", body);
        Assert.Matches(@"- \S+ RESOLVED value 95\.5: CPU above 90% on prod-db-01 \(evt-a\)\n", body);
        Assert.Matches(@"- \S+ FIRING value 95\.5: CPU above 90% on prod-db-01 \(evt-b\)", body);
    }
}
