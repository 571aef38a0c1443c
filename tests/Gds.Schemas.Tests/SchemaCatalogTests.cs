using Gds.Contracts.Topics;
using Gds.Schemas.Catalog;

namespace Gds.Schemas.Tests;

public class SchemaCatalogTests
{
    [Fact]
    public void Every_schema_file_in_the_repo_is_compiled_in()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!Directory.Exists(Path.Combine(dir!.FullName, "schemas"))) dir = dir.Parent;
        var files = Directory.GetFiles(Path.Combine(dir.FullName, "schemas"), "*.avsc").Select(Path.GetFileName).Order();
        Assert.Equal(files, SchemaCatalog.All.Select(s => s.File).Order());
    }

    [Theory]
    [InlineData("gds.metrics.postgresql.production", "Metric")]
    [InlineData(TopicNames.Alerts, "AlertEvent")]
    [InlineData(TopicNames.Rules, "Rule")]
    [InlineData(TopicNames.Silences, "Silence")]
    [InlineData(TopicNames.AlertAcks, "Ack")]
    [InlineData(TopicNames.FiringAlerts, "FiringAlert")]
    public void A_record_topic_carries_its_schema(string topic, string record) =>
        Assert.Equal(record, SchemaCatalog.ForTopic(topic)!.Schema.Name);

    [Theory]
    [InlineData(TopicNames.MetricsDlq)]
    [InlineData(TopicNames.AlertsDlq)]
    [InlineData(TopicNames.Watchdog)]
    public void Dead_letters_and_the_watchdog_have_no_schema(string topic) => Assert.Null(SchemaCatalog.ForTopic(topic));
}
