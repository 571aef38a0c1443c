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
    public void A_get_after_a_replace_or_delete_under_the_same_or_an_equal_key_finds_the_store_as_it_is_now()
    {
        // The store answers a repeated key string from its last look-up: that answer must follow every change.
        var store = new InMemorySeriesStateStore();
        var key = DedupKeys.For("r", "db-1", "m");
        var equalKey = new string(key.AsSpan());
        var (first, second, third) = (State("r", "db-1", "m"), State("r", "db-1", "m"), State("r", "db-1", "m"));

        store.Put(key, first);
        Assert.Same(first, store.Get(key));
        store.Put(key, second);
        Assert.Same(second, store.Get(key));
        Assert.Same(second, store.Get(equalKey));
        store.Put(equalKey, third);
        Assert.Same(third, store.Get(key));
        Assert.Same(third, Assert.Single(store.All()).Value);

        store.Delete(equalKey);
        Assert.Null(store.Get(key));
        Assert.Equal(0, store.Count);
        store.Put(key, first);
        Assert.Same(first, store.Get(equalKey));
        Assert.Throws<ArgumentException>(() => store.Put(key, State("r", "db-2", "m")));
        Assert.Same(first, store.Get(key));
    }

    [Fact]
    public void A_key_that_is_not_the_states_own_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InMemorySeriesStateStore().Put("r:db-2:m", State("r", "db-1", "m")));
        Assert.Contains("'r:db-2:m' is not the dedup key", ex.Message);
    }
}
