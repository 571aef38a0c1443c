using System.Text;
using System.Text.Json;
using Gds.Contracts.Serialization;

namespace Gds.Contracts.Tests;

public sealed class RepeatedValuesTests
{
    [Fact]
    public void A_value_comes_back_for_the_same_bytes_only_and_as_its_own_type()
    {
        var values = new RepeatedValues();
        values.Add("db-01"u8, "db-01");
        Assert.True(values.TryGet<string>("db-01"u8, out var same));
        Assert.Equal("db-01", same);
        Assert.False(values.TryGet<string>("db-02"u8, out _));
        Assert.False(values.TryGet<Dictionary<string, string>>("db-01"u8, out _));
    }

    [Fact]
    public void When_full_it_starts_over_and_still_answers_for_what_it_holds()
    {
        var values = new RepeatedValues(capacity: 3);
        foreach (var name in new[] { "a", "b", "c" }) values.Add(Encoding.UTF8.GetBytes(name), name);
        Assert.True(values.TryGet<string>("c"u8, out _));

        values.Add("d"u8, "d"); // the fourth: the cache empties first, so memory stays bounded
        Assert.False(values.TryGet<string>("a"u8, out _));
        Assert.False(values.TryGet<string>("c"u8, out _));
        Assert.True(values.TryGet<string>("d"u8, out var d));
        Assert.Equal("d", d);
    }

    [Fact]
    public void A_string_token_is_shared_by_its_bytes_and_an_escaped_one_is_decoded()
    {
        var values = new RepeatedValues();
        string Read(string json)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            reader.Read();
            return values.GetString(ref reader);
        }
        var first = Read("\"db-01\"");
        Assert.Same(first, Read("\"db-01\""));
        Assert.Equal("db-\u00e9", Read("\"db-\\u00e9\""));
        Assert.False(values.TryGet<string>("db-\\u00e9"u8, out _)); // not remembered under its escaped bytes
    }

    [Fact]
    public void The_last_value_comes_back_for_its_own_bytes_only_also_after_a_longer_one()
    {
        var last = new LastSeen();
        Assert.False(last.TryGet<string>("db-01"u8, out _));

        last.Remember("prod-db-0001"u8, "prod-db-0001");
        last.Remember("db-01"u8, "db-01"); // shorter, in the same buffer: the longer one's tail must not count
        Assert.True(last.TryGet<string>("db-01"u8, out var same));
        Assert.Equal("db-01", same);
        Assert.False(last.TryGet<string>("prod-db-0001"u8, out _));
        Assert.False(last.TryGet<string>("db-01-x"u8, out _));
        Assert.False(last.TryGet<Dictionary<string, string>>("db-01"u8, out _));
    }
}
