namespace Gds.Alerting.Tests;

/// <summary>The backtests' store finds a state by its dedup key without keeping the key: by the state's own identity.</summary>
public class InMemoryStoreTests
{
    private static SeriesState State(string rule, string instance, string metric, Dictionary<string, string>? labels = null) =>
        new() { RuleId = rule, InstanceId = instance, MetricName = metric, Labels = labels };

    [Fact]
    public void A_state_is_found_by_its_dedup_key_labels_included_and_only_by_it()
    {
        var store = new InMemorySeriesStateStore();
        var plain = State("r", "db-1", "m");
        var labelled = State("r", "db-1", "m", new() { ["database"] = "orders" });
        var plainKey = DedupKeys.For("r", "db-1", "m");
        var labelledKey = DedupKeys.For("r", "db-1", "m", labelled.Labels);
        store.Put(plainKey, plain);
        store.Put(labelledKey, labelled);

        Assert.Same(plain, store.Get(plainKey));
        Assert.Same(labelled, store.Get(labelledKey));
        Assert.Null(store.Get("r:db-1:m2"));
        Assert.Null(store.Get("r:db-1"));
        Assert.Equal([plainKey, labelledKey], store.All().Select(kv => kv.Key));

        store.Delete(plainKey);
        Assert.Null(store.Get(plainKey));
        Assert.Same(labelled, Assert.Single(store.Range("r:")).Value);
    }

    [Fact]
    public void A_key_that_is_not_the_states_own_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InMemorySeriesStateStore().Put("r:db-2:m", State("r", "db-1", "m")));
        Assert.Contains("'r:db-2:m' is not the dedup key", ex.Message);
    }
}
