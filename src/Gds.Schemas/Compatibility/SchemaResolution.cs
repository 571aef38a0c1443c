using System.Text.Json;
using Avro;

namespace Gds.Schemas.Compatibility;

/// <summary>Which of the two schemas is the older one: it decides how a problem is worded.</summary>
public enum ReadDirection
{
    /// <summary>BACKWARD: the reader is the new schema, the writer the old one.</summary>
    NewReadsOld,
    /// <summary>FORWARD: the reader is the old schema, the writer the new one.</summary>
    OldReadsNew,
}

/// <summary>
/// The Avro specification's schema resolution (can data written with the writer's schema be read with the reader's?),
/// reporting every place it fails with a path and a reason. Apache.Avro's <c>Schema.CanRead</c> answers the same
/// question with a bare bool, which cannot tell a user which field to fix, hence this walk.
/// </summary>
public static class SchemaResolution
{
    public static IReadOnlyList<SchemaProblem> Problems(Schema reader, Schema writer, ReadDirection direction)
    {
        var walk = new Walk(direction);
        walk.Resolve(reader, writer, RootPath(direction == ReadDirection.NewReadsOld ? reader : writer));
        return walk.Problems.Distinct().ToList();
    }

    /// <summary>Paths start at the new schema's record name, the one in the file being edited.</summary>
    private static string RootPath(Schema schema) => schema switch
    {
        NamedSchema named => named.Name,
        LogicalSchema logical => RootPath(logical.BaseSchema),
        _ => "(root)",
    };

    private sealed class Walk(ReadDirection direction)
    {
        public List<SchemaProblem> Problems { get; } = [];

        // Named pairs already walked: a recursive record (a tree node holding its children) would otherwise recurse
        // without end, and a type used in many places is reported once, at its first path.
        private readonly HashSet<(string Reader, string Writer)> walked = [];

        private bool NewIsReader => direction == ReadDirection.NewReadsOld;
        private string ReaderSide => NewIsReader ? "the new schema" : "old readers";
        private string WriterData => NewIsReader ? "old records" : "new records";
        private string Consequence => $"{ReaderSide} cannot read {WriterData}";
        private Schema Old(Schema reader, Schema writer) => NewIsReader ? writer : reader;
        private Schema New(Schema reader, Schema writer) => NewIsReader ? reader : writer;

        private void Add(string path, string reason) => Problems.Add(new SchemaProblem(path, reason));

        private void TypeChanged(Schema reader, Schema writer, string path) =>
            Add(path, $"type changed from {Describe(Old(reader, writer))} to {Describe(New(reader, writer))}: {Consequence}");

        public void Resolve(Schema reader, Schema writer, string path)
        {
            if (writer is UnionSchema writerUnion)
            {
                // Every branch the writer may have used must be readable.
                foreach (var branch in writerUnion.Schemas)
                {
                    if (reader is UnionSchema readerUnion) ResolveIntoUnion(readerUnion, branch, path, reader, writer);
                    else if (SameKind(reader, branch)) Resolve(reader, branch, path);
                    else Add(path, $"type changed from {Describe(Old(reader, writer))} to {Describe(New(reader, writer))}: {ReaderSide} cannot read {WriterData} holding {Describe(branch)}");
                }
                return;
            }
            if (reader is UnionSchema union)
            {
                ResolveIntoUnion(union, writer, path, reader, writer);
                return;
            }
            if (reader is LogicalSchema || writer is LogicalSchema)
            {
                ResolveLogical(reader, writer, path);
                return;
            }
            switch (reader, writer)
            {
                case (RecordSchema r, RecordSchema w): ResolveRecord(r, w, path); break;
                case (EnumSchema r, EnumSchema w): ResolveEnum(r, w, path); break;
                case (FixedSchema r, FixedSchema w): ResolveFixed(r, w, path); break;
                case (ArraySchema r, ArraySchema w): Resolve(r.ItemSchema, w.ItemSchema, path + "[]"); break;
                case (MapSchema r, MapSchema w): Resolve(r.ValueSchema, w.ValueSchema, path + "{}"); break;
                case (PrimitiveSchema r, PrimitiveSchema w):
                    if (r.Tag != w.Tag && !Promotes(w.Tag, r.Tag)) TypeChanged(reader, writer, path);
                    break;
                default: TypeChanged(reader, writer, path); break;
            }
        }

        /// <summary>
        /// A reader union takes the writer's value into its first branch that can read it. A branch of the same
        /// kind and name is the one meant, so its own problems (a nested field) are reported rather than a vaguer
        /// "no branch matches".
        /// </summary>
        private void ResolveIntoUnion(UnionSchema readerUnion, Schema writer, string path, Schema readerTop, Schema writerTop)
        {
            if (readerUnion.Schemas.FirstOrDefault(b => SameKind(b, writer)) is { } meant)
            {
                Resolve(meant, writer, path);
                return;
            }
            if (readerUnion.Schemas.Any(b => CleanlyReads(b, writer))) return;
            Add(path, $"type changed from {Describe(Old(readerTop, writerTop))} to {Describe(New(readerTop, writerTop))}: no branch of {Describe(readerUnion)} reads {Describe(writer)}, so {ReaderSide} cannot read {WriterData} holding it");
        }

        private bool CleanlyReads(Schema reader, Schema writer)
        {
            var trial = new Walk(direction);
            trial.Resolve(reader, writer, "");
            return trial.Problems.Count == 0;
        }

        private void ResolveRecord(RecordSchema reader, RecordSchema writer, string path)
        {
            if (!walked.Add((reader.Fullname, writer.Fullname))) return;
            CheckName(reader, writer, path, "record");
            foreach (var field in reader.Fields)
            {
                var fieldPath = path + "." + field.Name;
                var written = writer.Fields.FirstOrDefault(f => f.Name == field.Name)
                              ?? writer.Fields.FirstOrDefault(f => field.Aliases?.Contains(f.Name) == true);
                if (written is not null) Resolve(field.Schema, written.Schema, fieldPath);
                // Writer fields the reader lacks are skipped by the reader: removing a field never breaks this side.
                else if (field.DefaultValue is null)
                    Add(fieldPath, NewIsReader
                        ? "new field without a default cannot be read from old records"
                        : "field removed, and the old schema has no default for it: old readers cannot read new records");
            }
        }

        private void ResolveEnum(EnumSchema reader, EnumSchema writer, string path)
        {
            if (!walked.Add((reader.Fullname, writer.Fullname))) return;
            CheckName(reader, writer, path, "enum");
            if (reader.Default is not null) return; // an unknown symbol reads as the default
            foreach (var symbol in writer.Symbols.Where(s => !reader.Contains(s)))
                Add(path, NewIsReader
                    ? $"enum symbol {symbol} removed and the enum has no default: old records holding {symbol} cannot be read"
                    : $"enum symbol {symbol} added and the old enum has no default: old readers cannot read new records holding {symbol}");
        }

        private void ResolveFixed(FixedSchema reader, FixedSchema writer, string path)
        {
            CheckName(reader, writer, path, "fixed");
            if (reader.Size != writer.Size)
                Add(path, $"fixed size changed from {((FixedSchema)Old(reader, writer)).Size} to {((FixedSchema)New(reader, writer)).Size} bytes: {Consequence}");
        }

        private void CheckName(NamedSchema reader, NamedSchema writer, string path, string kind)
        {
            if (NamesMatch(reader, writer)) return;
            var hint = NewIsReader ? $" (give the new {kind} the alias \"{writer.Fullname}\" to keep reading them)" : "";
            Add(path, $"{kind} name changed from {Old(reader, writer).Fullname} to {New(reader, writer).Fullname}: {Consequence}{hint}");
        }

        /// <summary>
        /// The specification resolves a logical type by its underlying type; this is stricter where the same bits
        /// would change meaning: two different logical types (timestamp-millis read as timestamp-micros) or a
        /// decimal whose precision or scale changed (which the specification itself requires to match).
        /// </summary>
        private void ResolveLogical(Schema reader, Schema writer, string path)
        {
            var before = Problems.Count;
            Resolve(Underlying(reader), Underlying(writer), path);
            if (Problems.Count > before) return; // the base types differ already; one problem for the field
            if (reader is not LogicalSchema r || writer is not LogicalSchema w) return; // a logical type added or dropped: same bits, same value
            if (r.LogicalTypeName != w.LogicalTypeName
                || (r.LogicalTypeName == "decimal" && (r.GetProperty("precision") != w.GetProperty("precision") || r.GetProperty("scale") != w.GetProperty("scale"))))
                Add(path, $"logical type changed from {Describe(Old(reader, writer))} to {Describe(New(reader, writer))}: {ReaderSide} would misread the values of {WriterData}");
        }
    }

    private static Schema Underlying(Schema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    /// <summary>The specification's promotions of a written type into a wider read type.</summary>
    private static bool Promotes(Schema.Type writer, Schema.Type reader) => (writer, reader) switch
    {
        (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Float, Schema.Type.Double) => true,
        (Schema.Type.String, Schema.Type.Bytes) => true,
        (Schema.Type.Bytes, Schema.Type.String) => true,
        _ => false,
    };

    /// <summary>The same kind of type, and for named types the same name: the union branch a value is meant for.</summary>
    private static bool SameKind(Schema reader, Schema writer)
    {
        reader = Underlying(reader);
        writer = Underlying(writer);
        if (reader.Tag != writer.Tag) return false;
        return reader is not NamedSchema r || NamesMatch(r, (NamedSchema)writer);
    }

    /// <summary>The specification matches named types by unqualified name, or by one of the reader's aliases.</summary>
    private static bool NamesMatch(NamedSchema reader, NamedSchema writer) =>
        reader.Name == writer.Name || Aliases(reader).Any(a => a == writer.Fullname || a == writer.Name);

    /// <summary>
    /// A named schema's aliases, qualified as Apache.Avro writes them. The library keeps them internal, but writes
    /// them in the schema's JSON; this runs only for names that differ, so reading that JSON costs nothing in the
    /// common case.
    /// </summary>
    private static IEnumerable<string> Aliases(NamedSchema schema)
    {
        using var json = JsonDocument.Parse(schema.ToString());
        if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("aliases", out var aliases))
            return [];
        return aliases.EnumerateArray().Select(a => a.GetString()!).ToList();
    }

    /// <summary>A type as a user writes it: double, array&lt;string&gt;, record MetricMetadata, union [null, string].</summary>
    public static string Describe(Schema schema) => schema switch
    {
        LogicalSchema l when l.LogicalTypeName == "decimal" => $"{Describe(l.BaseSchema)} (decimal({l.GetProperty("precision")},{l.GetProperty("scale") ?? "0"}))",
        LogicalSchema l => $"{Describe(l.BaseSchema)} ({l.LogicalTypeName})",
        RecordSchema r => "record " + r.Name,
        EnumSchema e => "enum " + e.Name,
        FixedSchema f => $"fixed {f.Name}({f.Size})",
        ArraySchema a => $"array<{Describe(a.ItemSchema)}>",
        MapSchema m => $"map<{Describe(m.ValueSchema)}>",
        UnionSchema u => $"union [{string.Join(", ", u.Schemas.Select(Describe))}]",
        _ => schema.Name,
    };
}
