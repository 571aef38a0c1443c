using Polly.CircuitBreaker;

namespace Gds.Notify.Tests.Email;

public class BreakerEmailTests
{
    [Fact]
    public async Task While_the_breaker_is_open_critical_events_are_mailed_and_every_event_reaches_the_service_once_it_is_back()
    {
        var smtp = TestSmtp.Get();
        await using var h = await SinkHarness.StartAsync(answerOk: false);
        h.AnswerAlways(503, "maintenance");
        var run = Guid.NewGuid().ToString("N")[..8];
        var critical = Alerts.Firing($"evt-crit-{run}", instance: "prod-db-01", severity: "CRITICAL", route: "dba");
        var warning = Alerts.Firing($"evt-warn-{run}", instance: "prod-db-02", severity: "WARNING", route: "dba");
        var otherRoute = Alerts.Firing($"evt-crit2-{run}", instance: "prod-db-03", severity: "CRITICAL", route: "payments");
        var sink = h.StartSink(h.Options(o =>
        {
            o.Breaker.MinimumThroughput = 2;
            o.Breaker.BreakDuration = TimeSpan.FromMilliseconds(500);
            o.Email.SmtpHost = smtp.Host;
            o.Email.SmtpPort = smtp.Port;
            o.Email.Security = "None";
            o.Email.From = "gds-sink@example.org";
            o.Email.Recipients["dba"] = "oncall-dba@example.org, dba-lead@example.org";
            o.Email.DefaultRecipients = "oncall@example.org";
        }));
        await h.ProduceAsync(critical, warning, otherRoute);

        await h.WaitFor(() => sink.Stats.BreakerOpen, "breaker open");
        await h.WaitFor(() => smtp.MessagesContaining(critical.EventId).Count == 1 && smtp.MessagesContaining(otherRoute.EventId).Count == 1,
            "both CRITICAL events mailed");
        var mail = smtp.MessagesContaining(critical.EventId)[0];
        Assert.Contains("X-Envelope-To: oncall-dba@example.org,dba-lead@example.org", mail);
        Assert.Contains("Subject: Alert: CPU above 90% on prod-db-01", mail);
        Assert.Contains($"X-Gds-Message-Id: {critical.EventId}", mail);
        Assert.Contains("X-Envelope-To: oncall@example.org", smtp.MessagesContaining(otherRoute.EventId)[0]);
        Assert.Empty(smtp.MessagesContaining(warning.EventId));
        Assert.Empty(h.DeliveredIds());
        Assert.False(h.AllCommitted());

        // The service comes back: everything held is delivered, each with its original message_id, exactly once.
        h.Service.ResetMappings();
        h.AnswerAlways(200);
        await h.WaitFor(() => h.DeliveredIds().Count == 3, "all three delivered after recovery");
        Assert.Equal(new[] { critical.EventId, warning.EventId, otherRoute.EventId }.Order(), h.DeliveredIds().Order());
        await h.WaitFor(h.AllCommitted, "all committed");
        await h.WaitFor(() => sink.Sink.BreakerState == CircuitState.Closed && !sink.Stats.BreakerOpen, "breaker closed");
        await h.WaitFor(() => sink.Stats.Emailed == 2, "both mails counted (the server writes the file before the client hears 250)");
        Assert.Empty(h.ReadDlq());
        // One mail per event however long the outage lasted.
        Assert.Single(smtp.MessagesContaining(critical.EventId));
    }
}
