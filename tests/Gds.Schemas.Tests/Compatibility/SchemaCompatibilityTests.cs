using Avro;
using Gds.Schemas.Catalog;
using Gds.Schemas.Compatibility;

namespace Gds.Schemas.Tests.Compatibility;

public class SchemaCompatibilityTests
{
    /// <summary>A record Metric with the given field JSON, the way a .avsc file spells it.</summary>
    private static Schema Record(params string[] fields) =>
        Schema.Parse($$"""{"type":"record","name":"Metric","namespace":"gds.contracts","fields":[{{string.Join(",", fields)}}]}""");

    private static IReadOnlyList<string> Backward(Schema newer, Schema older) =>
        SchemaCompatibility.Check(newer, older, CompatibilityLevel.Backward).Select(p => p.ToString()).ToList();

    private static IReadOnlyList<string> Forward(Schema newer, Schema older) =>
        SchemaCompatibility.Check(newer, older, CompatibilityLevel.Forward).Select(p => p.ToString()).ToList();

    [Fact]
    public void Every_schema_in_the_repo_is_compatible_with_itself_at_every_level()
    {
        foreach (var file in SchemaCatalog.All)
        foreach (var level in Enum.GetValues<CompatibilityLevel>())
            Assert.Empty(SchemaCompatibility.Check(file.Schema, [file.Schema, file.Schema], level));
    }

    [Fact]
    public void A_new_field_with_a_default_is_backward_compatible_and_one_without_is_not()
    {
        var old = Record("""{"name":"value","type":"double"}""");
        Assert.Empty(Backward(Record("""{"name":"value","type":"double"}""", """{"name":"unit","type":"string","default":""}"""), old));
        Assert.Empty(Backward(Record("""{"name":"value","type":"double"}""", """{"name":"unit","type":["null","string"],"default":null}"""), old));
        Assert.Equal(["Metric.unit: new field without a default cannot be read from old records"],
            Backward(Record("""{"name":"value","type":"double"}""", """{"name":"unit","type":"string"}"""), old));
    }

    [Fact]
    public void A_removed_field_breaks_old_readers_only_when_they_have_no_default_for_it()
    {
        var newer = Record("""{"name":"value","type":"double"}""");
        var withoutDefault = Record("""{"name":"value","type":"double"}""", """{"name":"labels","type":{"type":"map","values":"string"}}""");
        var withDefault = Record("""{"name":"value","type":"double"}""", """{"name":"labels","type":{"type":"map","values":"string"},"default":{}}""");
        Assert.Empty(Backward(newer, withoutDefault)); // the new reader skips what old records still carry
        Assert.Empty(Forward(newer, withDefault));
        Assert.Equal(["Metric.labels: field removed, and the old schema has no default for it: old readers cannot read new records"],
            Forward(newer, withoutDefault));
        Assert.Single(SchemaCompatibility.Check(newer, withoutDefault, CompatibilityLevel.Full));
    }

    [Fact]
    public void A_changed_type_names_the_field_and_both_types()
    {
        var problems = Backward(Record("""{"name":"value","type":"string"}"""), Record("""{"name":"value","type":"double"}"""));
        Assert.Equal(["Metric.value: type changed from double to string: the new schema cannot read old records"], problems);
    }

    [Theory]
    [InlineData("int", "long")]
    [InlineData("int", "float")]
    [InlineData("int", "double")]
    [InlineData("long", "float")]
    [InlineData("long", "double")]
    [InlineData("float", "double")]
    [InlineData("string", "bytes")]
    [InlineData("bytes", "string")]
    public void A_promoted_type_reads_old_records_but_old_readers_cannot_read_the_wider_one(string from, string to)
    {
        var old = Record($$"""{"name":"v","type":"{{from}}"}""");
        var newer = Record($$"""{"name":"v","type":"{{to}}"}""");
        Assert.Empty(Backward(newer, old));
        // Apache.Avro agrees on the numeric promotions; its CanRead lacks the specification's string <-> bytes one
        if (from is not ("string" or "bytes")) Assert.True(newer.CanRead(old));
        if (from is "string" or "bytes") Assert.Empty(Forward(newer, old));
        else Assert.Equal([$"Metric.v: type changed from {from} to {to}: old readers cannot read new records"], Forward(newer, old));
    }

    [Theory]
    [InlineData("long", "int")]
    [InlineData("double", "float")]
    [InlineData("boolean", "int")]
    [InlineData("string", "int")]
    public void A_narrowed_or_unrelated_type_is_refused(string from, string to)
    {
        var old = Record($$"""{"name":"v","type":"{{from}}"}""");
        var newer = Record($$"""{"name":"v","type":"{{to}}"}""");
        Assert.Equal([$"Metric.v: type changed from {from} to {to}: the new schema cannot read old records"], Backward(newer, old));
        Assert.False(newer.CanRead(old));
    }

    [Fact]
    public void A_reader_union_needs_a_branch_for_every_writer_branch()
    {
        var nullableString = Record("""{"name":"note","type":["null","string"],"default":null}""");
        var plainString = Record("""{"name":"note","type":"string","default":""}""");
        Assert.Empty(Backward(nullableString, plainString)); // string widened into a union with a string branch
        Assert.Equal(["Metric.note: type changed from union [null, string] to string: the new schema cannot read old records holding null"],
            Backward(plainString, nullableString));
        var nullableLong = Record("""{"name":"note","type":["null","long"],"default":null}""");
        Assert.Equal(["Metric.note: type changed from union [null, string] to union [null, long]: no branch of union [null, long] reads string, so the new schema cannot read old records holding it"],
            Backward(nullableLong, nullableString));
        // a promotion into a branch is a match too
        Assert.Empty(Backward(nullableLong, Record("""{"name":"note","type":["null","int"],"default":null}""")));
    }

    [Fact]
    public void Enum_symbols_may_be_added_and_removed_only_where_readers_know_them_or_have_a_default()
    {
        Schema Kind(string symbols, string? @default = null) =>
            Record($$$"""{"name":"kind","type":{"type":"enum","name":"Kind","symbols":[{{{symbols}}}]{{{(@default is null ? "" : $",\"default\":\"{@default}\"")}}}}}""");
        Assert.Empty(Backward(Kind("\"A\",\"B\",\"C\""), Kind("\"A\",\"B\"")));
        Assert.Equal(["Metric.kind: enum symbol B removed and the enum has no default: old records holding B cannot be read"],
            Backward(Kind("\"A\""), Kind("\"A\",\"B\"")));
        Assert.Empty(Backward(Kind("\"A\",\"OTHER\"", "OTHER"), Kind("\"A\",\"B\"")));
        Assert.Equal(["Metric.kind: enum symbol C added and the old enum has no default: old readers cannot read new records holding C"],
            Forward(Kind("\"A\",\"B\",\"C\""), Kind("\"A\",\"B\"")));
    }

    [Fact]
    public void Problems_inside_nested_records_arrays_maps_and_optional_records_carry_their_path()
    {
        var old = Record(
            """{"name":"steps","type":{"type":"array","items":{"type":"record","name":"Step","fields":[{"name":"after","type":"string"}]}}}""",
            """{"name":"byName","type":{"type":"map","values":"int"}}""",
            """{"name":"metadata","type":["null",{"type":"record","name":"Meta","fields":[{"name":"version","type":"string"}]}],"default":null}""");
        var newer = Record(
            """{"name":"steps","type":{"type":"array","items":{"type":"record","name":"Step","fields":[{"name":"after","type":"string"},{"name":"severity","type":"string"}]}}}""",
            """{"name":"byName","type":{"type":"map","values":"boolean"}}""",
            """{"name":"metadata","type":["null",{"type":"record","name":"Meta","fields":[{"name":"version","type":"int"}]}],"default":null}""");
        Assert.Equal([
            "Metric.steps[].severity: new field without a default cannot be read from old records",
            "Metric.byName{}: type changed from int to boolean: the new schema cannot read old records",
            "Metric.metadata.version: type changed from string to int: the new schema cannot read old records",
        ], Backward(newer, old));
        Assert.Empty(Backward(old, old));
    }

    [Fact]
    public void A_renamed_record_or_field_reads_old_records_only_through_an_alias()
    {
        var old = Record("""{"name":"value","type":"double"}""");
        var renamedRecord = Schema.Parse("""{"type":"record","name":"Sample","namespace":"gds.contracts","fields":[{"name":"value","type":"double"}]}""");
        Assert.Equal(["Sample: record name changed from gds.contracts.Metric to gds.contracts.Sample: the new schema cannot read old records (give the new record the alias \"gds.contracts.Metric\" to keep reading them)"],
            Backward(renamedRecord, old));
        var aliased = Schema.Parse("""{"type":"record","name":"Sample","namespace":"gds.contracts","aliases":["Metric"],"fields":[{"name":"value","type":"double"}]}""");
        Assert.Empty(Backward(aliased, old));

        Assert.Equal(["Metric.reading: new field without a default cannot be read from old records"],
            Backward(Record("""{"name":"reading","type":"double"}"""), old));
        Assert.Empty(Backward(Record("""{"name":"reading","type":"double","aliases":["value"]}"""), old));
    }

    [Fact]
    public void Fixed_types_must_keep_their_size()
    {
        Schema Hash(int size) => Record($$$"""{"name":"hash","type":{"type":"fixed","name":"Hash","size":{{{size}}}}}""");
        Assert.Empty(Backward(Hash(16), Hash(16)));
        Assert.Equal(["Metric.hash: fixed size changed from 16 to 32 bytes: the new schema cannot read old records"], Backward(Hash(32), Hash(16)));
    }

    [Fact]
    public void A_logical_type_may_be_added_but_not_swapped_for_another_one()
    {
        var plain = Record("""{"name":"at","type":"long"}""");
        var millis = Record("""{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}""");
        var micros = Record("""{"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}}""");
        Assert.Empty(Backward(millis, plain));
        Assert.Equal(["Metric.at: logical type changed from long (timestamp-millis) to long (timestamp-micros): the new schema would misread the values of old records"],
            Backward(micros, millis));
        var decimal42 = Record("""{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}""");
        var decimal43 = Record("""{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":3}}""");
        Assert.Empty(Backward(decimal42, decimal42));
        Assert.Single(Backward(decimal43, decimal42));
    }

    [Fact]
    public void A_recursive_record_is_walked_once()
    {
        var tree = Schema.Parse("""{"type":"record","name":"Node","fields":[{"name":"children","type":{"type":"array","items":"Node"}}]}""");
        var grown = Schema.Parse("""{"type":"record","name":"Node","fields":[{"name":"children","type":{"type":"array","items":"Node"}},{"name":"label","type":"string"}]}""");
        Assert.Empty(Backward(tree, tree));
        Assert.Equal(["Node.label: new field without a default cannot be read from old records"], Backward(grown, tree));
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var old = Record("""{"name":"a","type":"int"}""", """{"name":"b","type":"string"}""");
        var newer = Record("""{"name":"a","type":"string"}""", """{"name":"b","type":"int"}""", """{"name":"c","type":"int"}""");
        Assert.Equal(3, Backward(newer, old).Count);
    }

    [Fact]
    public void Transitive_levels_check_every_earlier_version_and_name_it()
    {
        var v1 = Record("""{"name":"a","type":"int"}""");
        var v2 = Record("""{"name":"a","type":"int"}""", """{"name":"b","type":"string","default":""}""");
        var v3 = Record("""{"name":"b","type":"string"}""");
        // v3 reads v2 (b is there) but not v1 (no b, no default)
        Assert.Empty(SchemaCompatibility.Check(v3, [v1, v2], CompatibilityLevel.Backward));
        Assert.Equal(["Metric.b: new field without a default cannot be read from old records (against version 1)"],
            SchemaCompatibility.Check(v3, [v1, v2], CompatibilityLevel.BackwardTransitive).Select(p => p.ToString()));
        Assert.Empty(SchemaCompatibility.Check(v3, [v1, v2], CompatibilityLevel.None));
    }

    [Theory]
    [InlineData("BACKWARD", CompatibilityLevel.Backward)]
    [InlineData("full_transitive", CompatibilityLevel.FullTransitive)]
    [InlineData("NONE", CompatibilityLevel.None)]
    public void Levels_read_as_the_registry_spells_them(string text, CompatibilityLevel level)
    {
        Assert.True(CompatibilityLevels.TryParse(text, out var parsed));
        Assert.Equal(level, parsed);
        Assert.Equal(text.ToUpperInvariant(), parsed.Name());
        Assert.False(CompatibilityLevels.TryParse("SIDEWAYS", out _));
    }
}
