namespace Gds.Warehouse.Schema;

/// <summary>
/// The PostgreSQL star schema, as versioned migrations. Released migrations are never edited (their checksums
/// are recorded); a change is a new migration at the end of the list.
/// </summary>
public static class PostgreSqlSchema
{
    public const string Name = "dw";
    public const string FactTable = "dw.fact_sample";
    public const string PartitionPrefix = "fact_sample_";

    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "star schema: date, instance and metric dimensions, fact of samples partitioned by day",
        [
            """
            CREATE TABLE dw.dim_date (
                date_key      integer  PRIMARY KEY,          -- yyyymmdd of the UTC day
                day           date     NOT NULL UNIQUE,
                year          smallint NOT NULL,
                quarter       smallint NOT NULL,
                month         smallint NOT NULL,
                day_of_month  smallint NOT NULL,
                day_of_week   smallint NOT NULL,             -- ISO: 1 = Monday
                iso_week      smallint NOT NULL,
                is_weekend    boolean  NOT NULL
            )
            """,
            """
            CREATE TABLE dw.dim_instance (
                instance_key  bigint      PRIMARY KEY,       -- derived from the natural key, see DimensionKeys
                instance_id   text        NOT NULL,
                database_type text        NOT NULL,
                environment   text        NOT NULL,
                region        text,
                tags          jsonb       NOT NULL DEFAULT '{}',
                first_seen    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now(),
                UNIQUE (database_type, environment, instance_id)
            )
            """,
            """
            CREATE TABLE dw.dim_metric (
                metric_key    bigint PRIMARY KEY,
                metric_name   text   NOT NULL UNIQUE,
                unit          text   NOT NULL,
                kind          text   NOT NULL CHECK (kind IN ('gauge', 'counter'))
            )
            """,
            // No foreign keys from the fact: checking one per inserted row would halve the load rate, and the
            // loader writes the dimension rows in the same transaction as the facts that use them.
            // The key leads with time: new samples then go to the right edge of the index instead of all over
            // it, which keeps the insert cost flat as a day's partition grows (measured: 2-3x faster by evening).
            """
            CREATE TABLE dw.fact_sample (
                sample_time            timestamptz      NOT NULL,
                date_key               integer          NOT NULL,
                instance_key           bigint           NOT NULL,
                metric_key             bigint           NOT NULL,
                value                  double precision NOT NULL,
                collection_duration_ms double precision,
                correlation_id         text,
                PRIMARY KEY (sample_time, instance_key, metric_key)
            ) PARTITION BY RANGE (sample_time)
            """,
            // Partitions are cut at UTC midnight and created on demand by the loader (and by anyone loading by
            // hand). The advisory lock makes concurrent importers create each day once.
            """
            CREATE FUNCTION dw.ensure_day_partition(p_day date) RETURNS boolean
            LANGUAGE plpgsql AS $fn$
            DECLARE
                part text := 'fact_sample_' || to_char(p_day, 'YYYYMMDD');
            BEGIN
                INSERT INTO dw.dim_date (date_key, day, year, quarter, month, day_of_month, day_of_week, iso_week, is_weekend)
                VALUES (to_char(p_day, 'YYYYMMDD')::integer, p_day,
                        extract(year FROM p_day), extract(quarter FROM p_day), extract(month FROM p_day),
                        extract(day FROM p_day), extract(isodow FROM p_day), extract(week FROM p_day),
                        extract(isodow FROM p_day) >= 6)
                ON CONFLICT (date_key) DO NOTHING;
                IF to_regclass('dw.' || quote_ident(part)) IS NOT NULL THEN
                    RETURN false;
                END IF;
                PERFORM pg_advisory_xact_lock(hashtext('gds.dw.fact_sample.partitions'));
                IF to_regclass('dw.' || quote_ident(part)) IS NOT NULL THEN
                    RETURN false;
                END IF;
                EXECUTE format('CREATE TABLE dw.%I PARTITION OF dw.fact_sample FOR VALUES FROM (%L) TO (%L)',
                               part, (p_day::timestamp AT TIME ZONE 'UTC'), ((p_day + 1)::timestamp AT TIME ZONE 'UTC'));
                RETURN true;
            END
            $fn$
            """,
        ]),
        new(2, "dw.sample: the fact joined to its dimensions, for ad-hoc queries",
        [
            """
            CREATE VIEW dw.sample AS
            SELECT f.sample_time, d.day, i.database_type, i.environment, i.region, i.instance_id,
                   m.metric_name, m.unit, m.kind, f.value, f.collection_duration_ms, f.correlation_id, i.tags
            FROM dw.fact_sample f
            JOIN dw.dim_date d     ON d.date_key = f.date_key
            JOIN dw.dim_instance i ON i.instance_key = f.instance_key
            JOIN dw.dim_metric m   ON m.metric_key = f.metric_key
            """,
        ]),
        new(3, "series labels: dim_series_labels, fact key (time, instance, metric, labels), earlier facts unlabelled",
        [
            // One row per distinct label set, shared by every instance and metric that carries it.
            """
            CREATE TABLE dw.dim_series_labels (
                labels_key  bigint PRIMARY KEY,              -- derived from labels_text, see DimensionKeys; 0 = no labels
                labels      jsonb  NOT NULL,
                labels_text text   NOT NULL                  -- {name="value",...} sorted by name; '' for no labels
            )
            """,
            "INSERT INTO dw.dim_series_labels (labels_key, labels, labels_text) VALUES (0, '{}', '')",
            // A constant default is stored in the catalogue, not written into the rows: every fact already loaded
            // reads as "no labels" at once, without rewriting a partition. Kept as the column's default, so a row
            // loaded without the column (by hand, or by an importer from before this migration) is unlabelled too.
            "ALTER TABLE dw.fact_sample ADD COLUMN labels_key bigint NOT NULL DEFAULT 0",
            // Dropped and added on the partitioned table, which drops and rebuilds the key's index on every
            // partition; dw.ensure_day_partition creates new partitions with the new key (CREATE ... PARTITION OF).
            "ALTER TABLE dw.fact_sample DROP CONSTRAINT fact_sample_pkey",
            "ALTER TABLE dw.fact_sample ADD PRIMARY KEY (sample_time, instance_key, metric_key, labels_key)",
            // OR REPLACE only appends columns, so views and reports built on dw.sample keep working.
            """
            CREATE OR REPLACE VIEW dw.sample AS
            SELECT f.sample_time, d.day, i.database_type, i.environment, i.region, i.instance_id,
                   m.metric_name, m.unit, m.kind, f.value, f.collection_duration_ms, f.correlation_id, i.tags,
                   l.labels, l.labels_text
            FROM dw.fact_sample f
            JOIN dw.dim_date d          ON d.date_key = f.date_key
            JOIN dw.dim_instance i      ON i.instance_key = f.instance_key
            JOIN dw.dim_metric m        ON m.metric_key = f.metric_key
            JOIN dw.dim_series_labels l ON l.labels_key = f.labels_key
            """,
        ]),
    ];
}
