using System.Reflection;
using System.Text.Json.Serialization;
using Avro;
using Gds.Contracts.Alerts;
using Gds.Contracts.Rules;

namespace Gds.Contracts.Tests;

/// <summary>
/// schemas/*.avsc are the one source of truth for record shapes: each must parse as Avro and name exactly the
/// JSON fields of its C# record (nested records included), so the JSON and Avro wire formats cannot drift.
/// </summary>
public class SchemaSyncTests
{
    public static TheoryData<string, Type> Schemas => new()
    {
        { "metric.avsc", typeof(Metric) },
        { "alert.avsc", typeof(AlertEvent) },
        { "rule.avsc", typeof(Rule) },
        { "firing_alert.avsc", typeof(FiringAlert) },
        { "silence.avsc", typeof(Gds.Contracts.Silences.Silence) },
        { "ack.avsc", typeof(Ack) },
        { "inhibit_rule.avsc", typeof(InhibitRule) },
        { "heartbeat.avsc", typeof(Gds.Contracts.Heartbeats.Heartbeat) },
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Avro_schema_and_CSharp_record_have_the_same_fields(string file, Type type)
    {
        var schema = (RecordSchema)Schema.Parse(File.ReadAllText(SchemaPath(file)));
        AssertSameFields(schema, type, schema.Name);
    }

    [Fact]
    public void Every_schema_file_is_checked()
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(SchemaPath("metric.avsc"))!, "*.avsc").Select(Path.GetFileName).Order();
        Assert.Equal(Schemas.Select(row => (string)row[0]).Order(), files);
    }

    private static void AssertSameFields(RecordSchema schema, Type type, string path)
    {
        // Public properties, and the non-public ones the serializer is told to include (a field kept off the wire
        // when empty, such as Metric's labels).
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => p.GetMethod?.IsPublic == true || p.GetCustomAttribute<JsonIncludeAttribute>() is not null)
            .Select(p => (Prop: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
            .Where(x => x.Name is not null && x.Prop.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(x => x.Name!, x => x.Prop);
        Assert.Equal(props.Keys.Order(), schema.Fields.Select(f => f.Name).Order());
        foreach (var field in schema.Fields)
        {
            var nested = NestedRecord(field.Schema);
            if (nested is null) continue;
            var propType = props[field.Name].PropertyType;
            var element = Nullable.GetUnderlyingType(propType) ?? propType;
            if (element.IsGenericType) element = element.GetGenericArguments()[0];
            AssertSameFields(nested, element, $"{path}.{field.Name}");
        }
    }

    private static RecordSchema? NestedRecord(Schema s) => s switch
    {
        RecordSchema r => r,
        UnionSchema u => u.Schemas.Select(NestedRecord).FirstOrDefault(x => x is not null),
        ArraySchema a => NestedRecord(a.ItemSchema),
        _ => null,
    };

    private static string SchemaPath(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "schemas"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "schemas", file);
    }
}
