using System.Net;
using Gds.Contracts.Alerts;
using Gds.Handling.Silences;

namespace Gds.Ui.Tests;

/// <summary>The ui's HTTP API over an embedded broker, with the test playing the topology's part on gds.alerts.</summary>
[Collection(UiCollection.Name)]
public sealed class UiApiTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-5);

    private static Rule Threshold(string id, string metric, string forText = "0s") => new()
    {
        Id = id, Kind = RuleKinds.Threshold, Selector = new RuleSelector { Metric = metric, DatabaseType = "postgresql" },
        Op = ">", Value = 0.9, For = forText, Severity = Severities.Critical,
    };

    private static Metric Sample(string instance, string metric, double value, DateTimeOffset at) => new()
    {
        Timestamp = at, DatabaseType = "postgresql", InstanceId = instance, MetricName = metric, Value = value,
        Tags = new Dictionary<string, string> { ["environment"] = "production", ["team"] = "dba" },
    };

    [Fact]
    public async Task Firing_alerts_of_one_group_key_are_one_group_with_their_shared_labels_once()
    {
        await using var bed = await UiTestBed.StartAsync();
        await bed.PublishRuleAsync(Threshold("conn-high", "pg_connections_used_ratio"));
        var a = Events.Firing("conn-high", "pg-a", "pg_connections_used_ratio", "CRITICAL", T0, 0.95);
        var b = Events.Firing("conn-high", "pg-b", "pg_connections_used_ratio", "CRITICAL", T0.AddSeconds(30), 0.97);
        var other = Events.Firing("disk-low", "pg-a", "pg_disk_free_ratio", "WARNING", T0, 0.04) with { GroupKey = "rule_id=disk-low,environment=production" };
        foreach (var e in new[] { a, b, other }) await bed.PublishEventAsync(e);

        var page = await bed.WaitForAsync("/api/alerts", p => UiTestBed.Alerts(p).Count() == 3, "three firing alerts");
        var groups = page["groups"]!.AsArray();
        Assert.Equal(2, groups.Count);
        var conn = groups.Single(g => (string)g!["group_key"]! == "rule_id=conn-high,environment=production")!;
        Assert.Equal("CRITICAL", (string)conn["severity"]!);
        Assert.Equal(2, conn["alerts"]!.AsArray().Count);
        var shared = conn["shared_labels"]!.AsObject();
        Assert.Equal("conn-high", (string)shared["rule_id"]!);
        Assert.Equal("production", (string)shared["environment"]!);
        Assert.False(shared.ContainsKey("instance_id"));                          // it tells the two apart
        var first = conn["alerts"]!.AsArray()[0]!;
        Assert.False(first["labels"]!.AsObject().ContainsKey("environment"));     // shown once, on the group
        Assert.True(first["labels"]!.AsObject().ContainsKey("instance_id"));
        Assert.Equal("> 0.9", (string)first["expected"]!);
        Assert.True((double)first["age_seconds"]! >= 200);
        // CRITICAL groups first.
        Assert.Equal("rule_id=conn-high,environment=production", (string)groups[0]!["group_key"]!);

        var filtered = await bed.GetAsync("/api/alerts?match=instance_id%3Dpg-a&match=severity%3D~CRITICAL");
        Assert.Equal([a.DedupKey], UiTestBed.Alerts(filtered).Select(x => (string)x["dedup_key"]!));
        Assert.Equal(3, (int)filtered["counts"]!["firing"]!);                     // the counts are of everything
        Assert.Equal(["pg-a", "pg-b"], filtered["choices"]!["instance_id"]!.AsArray().Select(x => (string)x!));

        var bad = await bed.Http.GetAsync("/api/alerts?match=severity%3D~(CRIT");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not a valid regular expression", await bad.Content.ReadAsStringAsync());

        // Resolution takes it off the page (unless resolved ones are asked for).
        await bed.PublishEventAsync(b.Then(AlertStatus.Resolved, T0.AddMinutes(2)));
        var after = await bed.WaitForAsync("/api/alerts?hide=resolved", p => UiTestBed.Alerts(p).Count() == 2, "b resolved");
        Assert.Null(UiTestBed.Alert(after, b.DedupKey));
        Assert.Equal("resolved", (string)UiTestBed.Alert(await bed.GetAsync("/api/alerts"), b.DedupKey)!["state"]!);
    }

    [Fact]
    public async Task A_silence_made_in_the_ui_is_the_record_gds_silence_writes_and_marks_the_alert_at_once()
    {
        await using var bed = await UiTestBed.StartAsync();
        var a = Events.Firing("conn-high", "pg-a", "pg_connections_used_ratio", "CRITICAL", T0, 0.95, new Dictionary<string, string> { ["database"] = "orders" });
        await bed.PublishEventAsync(a);
        await bed.WaitForAsync("/api/alerts", p => UiTestBed.Alert(p, a.DedupKey) is not null, "the alert");

        var bad = await bed.PostAsync("/api/silences", new { matchers = "team!=dba", duration = "2 hours", by = "", comment = "" });
        Assert.Equal(400, bad.Status);
        var error = (string)bad.Body!["error"]!;
        Assert.Contains("duration '2 hours' is not a positive duration", error);
        Assert.Contains("by WHO is required", error);
        Assert.Empty(SilenceTopic.ReadAll(bed.Clients));                           // nothing was published

        var made = await bed.PostAsync("/api/silences", new
        {
            matchers = "rule_id=\"conn-high\"\ninstance_id=\"pg-a\"\nmetric_name=\"pg_connections_used_ratio\"\ndatabase=\"orders\"",
            duration = "2h", by = "alice", comment = "failover drill",
        });
        Assert.Equal(201, made.Status);
        var id = (string)made.Body!["id"]!;
        var record = SilenceTopic.ReadAll(bed.Clients).Single();
        Assert.Equal(id, record.Id);
        Assert.Null(record.Error);
        // What `gds silence add --alert ID --for 2h --by alice --comment ...` writes for the same alert.
        Assert.True(SilenceRequest.TryBuild(new SilenceDraft { Alert = a.DedupKey, For = "2h", By = "alice", Comment = "failover drill" },
            record.Silence!.CreatedAt, out var cli, out var cliError), cliError);
        Assert.Equal(cli!.Matchers, record.Silence.Matchers);
        Assert.Equal(cli.CreatedBy, record.Silence.CreatedBy);
        Assert.Equal(cli.Comment, record.Silence.Comment);
        Assert.Equal(TimeSpan.FromHours(2), record.Silence.EndsAt - record.Silence.StartsAt);

        var page = await bed.WaitForAsync("/api/alerts", p => (bool)UiTestBed.Alert(p, a.DedupKey)!["silenced"]!, "the alert marked silenced");
        Assert.Equal([id], UiTestBed.Alert(page, a.DedupKey)!["silenced_by"]!.AsArray().Select(x => (string)x!));
        Assert.Empty(UiTestBed.Alerts(await bed.GetAsync("/api/alerts?hide=silenced")));
        var list = await bed.WaitForAsync("/api/silences", p => p["silences"]!.AsArray().Count == 1, "the silence listed");
        var listed = list["silences"]![0]!;
        Assert.Equal("active", (string)listed["status"]!);
        Assert.Equal(1, (int)listed["muting"]!);
        Assert.Equal("alice", (string)listed["created_by"]!);

        var expire = await bed.PostAsync($"/api/silences/{id}/expire", new { by = "bob" });
        Assert.Equal(200, expire.Status);
        await bed.WaitForAsync("/api/alerts", p => !(bool)UiTestBed.Alert(p, a.DedupKey)!["silenced"]!, "the alert no longer silenced");
        Assert.True(SilenceTopic.ReadAll(bed.Clients).Single().Silence!.EndsAt <= DateTimeOffset.UtcNow);
        await bed.WaitForAsync("/api/silences?all=true", p => (string)p["silences"]![0]!["status"]! == "expired", "listed as expired");
        Assert.Empty((await bed.GetAsync("/api/silences"))["silences"]!.AsArray());
        Assert.Equal(404, (await bed.PostAsync("/api/silences/0000000000000000/expire", new { by = "bob" })).Status);

        var schedule = await bed.PostAsync("/api/silences", new { matchers = new[] { "environment=staging" }, schedule = "sun 02:00-04:00 Europe/Paris", by = "carol", comment = "weekly" });
        Assert.Equal(201, schedule.Status);
        Assert.Equal("Europe/Paris", SilenceTopic.ReadAll(bed.Clients).Single(s => s.Id == (string)schedule.Body!["id"]!).Silence!.Schedule![0].TimeZone);
    }

    [Fact]
    public async Task The_ack_button_writes_the_ack_gds_ack_writes_and_the_timeline_tells_the_alert_s_story()
    {
        await using var bed = await UiTestBed.StartAsync();
        await bed.PublishRuleAsync(Threshold("conn-high", "pg_connections_used_ratio"));
        for (var i = 0; i < 20; i++) await bed.PublishSampleAsync(Sample("pg-a", "pg_connections_used_ratio", i < 10 ? 0.5 : 0.95, T0.AddSeconds(i * 10)));
        var a = Events.Firing("conn-high", "pg-a", "pg_connections_used_ratio", "CRITICAL", T0.AddSeconds(100), 0.95);
        await bed.PublishEventAsync(a);
        await bed.PublishEventAsync(a.Then(AlertStatus.Firing, T0.AddSeconds(160), sequence: 1));
        await bed.PublishEventAsync(a.Then(AlertStatus.Escalated, T0.AddSeconds(165), sequence: 1) with { RoutingKey = "dba-managers" });
        var inhibited = Events.Firing("conn-high", "pg-b", "pg_connections_used_ratio", "CRITICAL", T0, 0.99) with { InhibitedBy = ["instance-down:pg-b:gds_collector_up"] };
        await bed.PublishEventAsync(inhibited);
        var seen = await bed.WaitForAsync("/api/alerts", p => UiTestBed.Alert(p, a.DedupKey) is not null && UiTestBed.Alert(p, inhibited.DedupKey) is not null, "the alerts");
        Assert.True((bool)UiTestBed.Alert(seen, inhibited.DedupKey)!["inhibited"]!);
        Assert.Equal(1, (int)seen["counts"]!["inhibited"]!);
        Assert.Null(UiTestBed.Alert(await bed.GetAsync("/api/alerts?hide=inhibited"), inhibited.DedupKey));

        Assert.Equal(400, (await bed.PostAsync("/api/acks", new { alert_id = "not-an-alert-id", by = "alice" })).Status);
        var acked = await bed.PostAsync("/api/acks", new { alert_id = a.DedupKey, by = "alice", comment = "on it" });
        Assert.Equal(200, acked.Status);
        var partition = (int)acked.Body!["partition"]!;
        Assert.Equal(KeyPartitioner.PartitionFor("pg-a", UiTestBed.Partitions), partition);
        var ack = GdsJson.Deserialize<Ack>(CompactedTopicReader.ReadLatest(bed.Clients, TopicNames.AlertAcks, TimeSpan.FromSeconds(10))[a.DedupKey]);
        Assert.Equal(("alice", "on it", "pg-a"), (ack.By, ack.Comment, ack.InstanceId));
        var page = await bed.WaitForAsync("/api/alerts", p => (string?)UiTestBed.Alert(p, a.DedupKey)!["acknowledged_by"] == "alice", "marked acknowledged");
        Assert.Null(UiTestBed.Alert(await bed.GetAsync("/api/alerts?hide=acknowledged"), a.DedupKey));

        // The topology answers the ack, then the alert resolves.
        await bed.PublishEventAsync(a.Then(AlertStatus.Acknowledged, T0.AddSeconds(170)) with { AcknowledgedBy = "alice" });
        await bed.PublishEventAsync(a.Then(AlertStatus.Resolved, T0.AddSeconds(190)));
        var detail = await bed.WaitForAsync("/api/alert?key=" + Uri.EscapeDataString(a.DedupKey),
            d => d["timeline"]!.AsArray().Any(t => (string)t!["kind"]! == "resolved"), "the resolution on the timeline");
        Assert.Equal(["fired", "re-notified", "escalated", "acknowledged", "resolved"],
            detail["timeline"]!.AsArray().Select(t => (string)t!["kind"]!).Where(k => k != "ack written"));
        var series = detail["series"]!;
        Assert.Equal(20, series["points"]!.AsArray().Count);
        Assert.Equal(0.95, (double)series["points"]![19]![1]!);
        Assert.Equal(">", (string)series["threshold"]!["op"]!);
        Assert.Equal(0.9, (double)series["threshold"]!["value"]!);
        Assert.Equal(404, (int)(await bed.Http.GetAsync("/api/alert?key=x:y:z")).StatusCode);
    }

    [Fact]
    public async Task A_breach_waiting_for_its_for_is_shown_pending_and_the_rules_count_it()
    {
        await using var bed = await UiTestBed.StartAsync();
        await bed.PublishRuleAsync(Threshold("conn-high", "pg_connections_used_ratio", forText: "1h"));
        var now = DateTimeOffset.UtcNow;
        await bed.PublishSampleAsync(Sample("pg-a", "pg_connections_used_ratio", 0.5, now.AddSeconds(-20)));
        await bed.PublishSampleAsync(Sample("pg-a", "pg_connections_used_ratio", 0.96, now.AddSeconds(-10)));
        await bed.PublishSampleAsync(Sample("pg-b", "pg_connections_used_ratio", 0.4, now.AddSeconds(-10)));
        var page = await bed.WaitForAsync("/api/alerts", p => UiTestBed.Alerts(p).Any(), "a pending alert");
        var pending = Assert.Single(UiTestBed.Alerts(page));
        Assert.Equal("pending", (string)pending["state"]!);
        Assert.Equal("conn-high:pg-a:pg_connections_used_ratio", (string)pending["dedup_key"]!);
        Assert.Equal(1, (int)page["counts"]!["pending"]!);
        var detail = await bed.GetAsync("/api/alert?key=" + Uri.EscapeDataString("conn-high:pg-a:pg_connections_used_ratio"));
        Assert.Equal("pending", (string)detail["timeline"]![0]!["kind"]!);
        var rules = await bed.GetAsync("/api/rules");
        var rule = rules["rules"]!.AsArray().Single()!;
        Assert.Equal("> 0.9", (string)rule["rule"]!["condition"]!);
        Assert.Equal(1, (int)rule["counts"]!["pending"]!);
        Assert.Equal(0, (int)rule["counts"]!["firing"]!);
    }

    [Fact]
    public async Task A_restarted_ui_rebuilds_its_view_from_the_topics()
    {
        await using var bed = await UiTestBed.StartAsync();
        var a = Events.Firing("conn-high", "pg-a", "pg_connections_used_ratio", "CRITICAL", T0, 0.95);
        await bed.PublishEventAsync(a);
        var made = await bed.PostAsync("/api/silences", new { matchers = "instance_id=pg-a", duration = "1h", by = "alice", comment = "drill" });
        Assert.Equal(201, made.Status);
        await bed.WaitForAsync("/api/alerts", p => UiTestBed.Alert(p, a.DedupKey) is { } x && (bool)x["silenced"]!, "silenced before the restart");

        await bed.StartUiAsync();
        var page = await bed.WaitForAsync("/api/alerts", p => (bool)p["caught_up"]!, "the new ui caught up");
        var again = UiTestBed.Alert(page, a.DedupKey);
        Assert.NotNull(again);
        Assert.True((bool)again["silenced"]!);
    }

    [Fact]
    public async Task Off_loopback_every_request_needs_the_token_and_writes_need_the_page_s_origin()
    {
        Assert.Throws<UiConfigurationException>(() => new UiServer(new UiServerOptions { Host = "0.0.0.0", Port = 0 }, new State.AlertBoard(), new KafkaClientFactory("127.0.0.1:1"), null,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        await using var bed = await UiTestBed.StartAsync();
        await bed.StartUiAsync(token: "s3cret-token", host: "0.0.0.0");
        using var anonymous = new HttpClient { BaseAddress = bed.Ui!.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/")).StatusCode);
        using var wrong = new HttpClient { BaseAddress = bed.Ui.Address };
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "s3cret-tokeX");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bed.Http.GetAsync("/api/alerts")).StatusCode);

        // A browser opens /?token=T once: it gets a cookie and the token leaves the address.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = bed.Ui.Address };
        var first = await browser.GetAsync("/?token=s3cret-token");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.DoesNotContain("token", first.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/alerts")).StatusCode);

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/acks") { Content = new StringContent("{\"alert_id\":\"a:b:c\",\"by\":\"x\"}", System.Text.Encoding.UTF8, "application/json") };
        crossSite.Headers.Add("Origin", "http://evil.example");
        var refused = await bed.Http.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("only the ui's own page may write", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_and_its_script_are_served_from_the_process_itself()
    {
        await using var bed = await UiTestBed.StartAsync();
        var html = await bed.Http.GetStringAsync("/");
        Assert.Contains("<script src=\"/app.js\"", html);
        Assert.DoesNotContain("http", html.Replace("http-equiv", ""), StringComparison.OrdinalIgnoreCase);   // nothing from a CDN
        var js = await bed.Http.GetAsync("/app.js");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType!.MediaType);
        Assert.Contains("EventSource", await js.Content.ReadAsStringAsync());
        using var events = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        using var stream = await bed.Http.SendAsync(events, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("event: change", await reader.ReadLineAsync());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UiCollection
{
    public const string Name = "gds ui";
}
