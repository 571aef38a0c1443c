using Confluent.Kafka;
using Gds.Kafka.Admin;
using Gds.Kafka.Embedded;
using Gds.Topology.Hosting;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gds.Ui.Tests;

/// <summary>
/// The page in a real headless Chromium (Debian's package, driven through Playwright's bundled driver), over the
/// whole pipeline: a small fleet publishes samples, the alerting topology turns the breaches into gds.alerts, the ui
/// reads them. A person's path: the page is open before anything fires, the alerts appear without a reload, a
/// silence made from an alert's Silence button marks it silenced, the Ack button marks another acknowledged, and
/// the alert's own page charts its series against the threshold.
/// </summary>
[Collection(UiCollection.Name)]
public sealed class BrowserTests(ITestOutputHelper output)
{
    /// <summary>Where Debian's chromium package puts the browser (scripts/services.sh installs it).</summary>
    private const string Chromium = "/usr/bin/chromium";
    private const string Metric = "pg_connections_used_ratio";

    [Fact]
    public async Task A_person_watches_alerts_fire_silences_one_and_acks_another_from_the_browser()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/services.sh start installs Debian's chromium package");
        using var broker = EmbeddedBroker.Start();
        var topics = new EmbeddedTopicCreator(broker);
        await topics.EnsureAsync(TopicCatalog.Standard(3));
        var clients = new KafkaClientFactory(broker.BootstrapServers);
        using var producer = new ProducerBuilder<string, byte[]>(clients.ProducerConfig("ui-browser-test")).Build();
        var rule = new Rule
        {
            Id = "pg-connections-saturated", Kind = RuleKinds.Threshold, Severity = Severities.Critical,
            Selector = new RuleSelector { Metric = Metric, DatabaseType = "postgresql" }, Op = ">", Value = 0.9, For = "0s",
            Annotations = new Dictionary<string, string> { ["summary"] = "{{instance_id}}: connections at {{value}} of max_connections" },
        };
        await producer.ProduceAsync(TopicNames.Rules, new Message<string, byte[]> { Key = rule.Id, Value = GdsJson.Serialize(rule) });

        var stateDir = Path.Combine(Path.GetTempPath(), "gds-ui-browser-" + Guid.NewGuid().ToString("N"));
        await using var streams = new StreamsHost(new StreamsHostOptions { BootstrapServers = broker.BootstrapServers, StateDir = stateDir }, topics);
        await streams.StartAsync();
        await streams.WaitUntilRunningAsync(TimeSpan.FromSeconds(60));
        await using var ui = new Dashboard(new DashboardOptions { Server = new UiServerOptions { Host = "127.0.0.1", Port = 0 } }, clients, NullLoggerFactory.Instance);
        await ui.StartAsync(CancellationToken.None);

        using var stopFleet = new CancellationTokenSource();
        var fleet = new Fleet(producer, ["pg-prod-01", "pg-prod-02", "pg-prod-03"]);
        var fleetRun = fleet.RunAsync(stopFleet.Token);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        page.PageError += (_, e) => consoleErrors.Add(e);
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        try
        {
            await page.GotoAsync(ui.Address.ToString());
            await page.Locator("#live.on").WaitForAsync();
            // Marks this load: a reload would lose it.
            await page.EvaluateAsync("() => { window.loadedOnce = true; }");
            Assert.Equal(0, await page.Locator(".alert").CountAsync());

            // Two primaries saturate their connections; the topology fires, the page shows it live.
            fleet.Breach("pg-prod-01", "pg-prod-02");
            var first = Row(page, "pg-prod-01");
            var second = Row(page, "pg-prod-02");
            await first.WaitForAsync();
            await second.WaitForAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => window.loadedOnce === true"), "the page was reloaded");
            Assert.Equal("firing", await first.Locator(".state").InnerTextAsync());
            Assert.Equal("CRITICAL", await first.Locator(".sev").InnerTextAsync());
            // One group (rule + environment), its shared labels shown once on the group.
            var group = page.Locator(".group", new PageLocatorOptions { Has = first });
            Assert.Equal(2, await group.Locator(".alert").CountAsync());
            Assert.Contains("environment=production", await group.Locator(".group-head").InnerTextAsync());
            Assert.DoesNotContain("environment=", await first.Locator(".alert-foot").InnerTextAsync());

            // Silence pg-prod-01 from its row: the form comes prefilled with that alert's matchers.
            await first.Locator("button.silence").ClickAsync();
            var matchers = await page.Locator("#s-matchers").InputValueAsync();
            Assert.Contains("instance_id=\"pg-prod-01\"", matchers);
            Assert.Contains($"metric_name=\"{Metric}\"", matchers);
            await page.Locator("#s-by").FillAsync("alice");
            await page.Locator("#s-comment").FillAsync("failover drill on pg-prod-01");
            await page.Locator("#s-duration").FillAsync("30m");
            await page.Locator("#s-submit").ClickAsync();
            await page.Locator("#s-done", new PageLocatorOptions { HasTextString = "created" }).WaitForAsync();
            await page.Locator("#silences tr.silence-row.active", new PageLocatorOptions { HasTextString = "failover drill" }).WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "ui-silences.png"), FullPage = true });

            await page.Locator("nav a[data-view=alerts]").ClickAsync();
            await first.Locator(".mark.silenced").WaitForAsync();
            Assert.Equal(0, await second.Locator(".mark.silenced").CountAsync());

            // Ack pg-prod-02 as bob.
            await page.Locator("#me").FillAsync("bob");
            await page.Locator("#me").DispatchEventAsync("change");
            await second.Locator("button.ack").ClickAsync();
            await second.Locator(".mark.acknowledged", new LocatorLocatorOptions { HasTextString = "bob" }).WaitForAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => window.loadedOnce === true"), "the page was reloaded");

            // Hiding silenced alerts leaves the acknowledged one.
            await page.Locator("#h-silenced").CheckAsync();
            await first.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
            Assert.Equal(1, await page.Locator(".alert").CountAsync());
            await page.Locator("#h-silenced").UncheckAsync();
            await first.WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "ui-alerts.png"), FullPage = true });

            // The acknowledged alert's own page: its timeline and its series charted against the threshold.
            await second.Locator("a.series").ClickAsync();
            await page.Locator("#alert-detail svg.chart polyline.line").WaitForAsync();
            // A horizontal line has no height: Playwright counts it as not visible, so only its presence is awaited.
            await page.Locator("#alert-detail svg.chart line.threshold").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await page.Locator("#alert-detail .timeline li.fired").WaitForAsync();
            await page.Locator("#alert-detail .timeline li", new PageLocatorOptions { HasTextString = "acknowledged" }).First.WaitForAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "ui-alert.png"), FullPage = true });

            // The rule in force, with its alerts counted per state.
            await page.Locator("nav a[data-view=rules]").ClickAsync();
            var ruleRow = page.Locator("#rules tbody tr", new PageLocatorOptions { HasTextString = rule.Id });
            await ruleRow.WaitForAsync();
            Assert.Equal(["2", "0", "1", "1"], (await ruleRow.Locator("td.n").AllInnerTextsAsync()).Take(4));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "ui-rules.png"), FullPage = true });
            output.WriteLine($"screenshots: {screenshots}");
            Assert.Empty(consoleErrors);
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "ui-failure.png"), FullPage = true });
            output.WriteLine($"failure screenshot: {Path.Combine(screenshots, "ui-failure.png")}; console: {string.Join(" | ", consoleErrors)}");
            throw;
        }
        finally
        {
            await stopFleet.CancelAsync();
            await fleetRun;
            try { Directory.Delete(stateDir, true); } catch (IOException) { }
        }
    }

    private static ILocator Row(IPage page, string instance) =>
        page.Locator($".alert[data-key=\"pg-connections-saturated:{instance}:{Metric}\"]");

    /// <summary>PostgreSQL primaries reporting their connection use twice a second; the ones told to breach report 95 %.</summary>
    private sealed class Fleet(IProducer<string, byte[]> producer, IReadOnlyList<string> instances)
    {
        private readonly HashSet<string> _breaching = [];

        public void Breach(params string[] which)
        {
            lock (_breaching) _breaching.UnionWith(which);
        }

        public async Task RunAsync(CancellationToken stop)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                do
                {
                    var now = DateTimeOffset.UtcNow;
                    foreach (var instance in instances)
                    {
                        bool breach;
                        lock (_breaching) breach = _breaching.Contains(instance);
                        var m = new Metric
                        {
                            Timestamp = now, DatabaseType = "postgresql", InstanceId = instance, MetricName = Metric,
                            Value = breach ? 0.95 : 0.42 + instances.Count / 100.0,
                            Tags = new Dictionary<string, string> { ["environment"] = "production", ["region"] = "eu-west-1" },
                        };
                        producer.Produce(TopicNames.Metrics("postgresql", "production"), new Message<string, byte[]> { Key = instance, Value = GdsJson.Serialize(m) });
                    }
                }
                while (await timer.WaitForNextTickAsync(stop));
            }
            catch (OperationCanceledException)
            {
            }
            producer.Flush(TimeSpan.FromSeconds(5));
        }
    }
}
