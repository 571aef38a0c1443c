namespace Gds.Warehouse.Schema;

/// <summary>
/// The Snowflake star schema, in the database and schema the connection names. Snowflake has no declarative
/// partitions: the fact table is clustered by day, so a day's rows share micro-partitions and retention's
/// DELETE by day drops whole micro-partitions. Every statement is re-runnable (IF NOT EXISTS, OR REPLACE)
/// because Snowflake commits each DDL statement on its own.
/// </summary>
public static class SnowflakeSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, "star schema: date, instance and metric dimensions, fact of samples clustered by day, load stage",
        [
            """
            CREATE TABLE IF NOT EXISTS DIM_DATE (
                DATE_KEY NUMBER(8,0) NOT NULL PRIMARY KEY, DAY DATE NOT NULL, YEAR NUMBER(4,0) NOT NULL,
                QUARTER NUMBER(1,0) NOT NULL, MONTH NUMBER(2,0) NOT NULL, DAY_OF_MONTH NUMBER(2,0) NOT NULL,
                DAY_OF_WEEK NUMBER(1,0) NOT NULL, ISO_WEEK NUMBER(2,0) NOT NULL, IS_WEEKEND BOOLEAN NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS DIM_INSTANCE (
                INSTANCE_KEY NUMBER(19,0) NOT NULL PRIMARY KEY, INSTANCE_ID VARCHAR NOT NULL, DATABASE_TYPE VARCHAR NOT NULL,
                ENVIRONMENT VARCHAR NOT NULL, REGION VARCHAR, TAGS VARIANT,
                FIRST_SEEN TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(), UPDATED_AT TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP())
            """,
            """
            CREATE TABLE IF NOT EXISTS DIM_METRIC (
                METRIC_KEY NUMBER(19,0) NOT NULL PRIMARY KEY, METRIC_NAME VARCHAR NOT NULL UNIQUE, UNIT VARCHAR NOT NULL, KIND VARCHAR NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS FACT_SAMPLE (
                SAMPLE_TIME TIMESTAMP_TZ NOT NULL, DATE_KEY NUMBER(8,0) NOT NULL, INSTANCE_KEY NUMBER(19,0) NOT NULL,
                METRIC_KEY NUMBER(19,0) NOT NULL, VALUE FLOAT NOT NULL, COLLECTION_DURATION_MS FLOAT, CORRELATION_ID VARCHAR,
                PRIMARY KEY (INSTANCE_KEY, METRIC_KEY, SAMPLE_TIME))
            CLUSTER BY (DATE_KEY)
            """,
            // Transient: no Fail-safe copies for rows that live seconds. BATCH_ID lets concurrent importers share it.
            """
            CREATE TRANSIENT TABLE IF NOT EXISTS STAGE_SAMPLE (
                BATCH_ID VARCHAR NOT NULL, SAMPLE_TIME VARCHAR NOT NULL, DATE_KEY NUMBER(8,0) NOT NULL,
                INSTANCE_KEY NUMBER(19,0) NOT NULL, METRIC_KEY NUMBER(19,0) NOT NULL, VALUE FLOAT NOT NULL,
                COLLECTION_DURATION_MS FLOAT, CORRELATION_ID VARCHAR, LOADED_AT TIMESTAMP_TZ DEFAULT CURRENT_TIMESTAMP())
            """,
        ]),
        new(2, "SAMPLE: the fact joined to its dimensions, for ad-hoc queries",
        [
            """
            CREATE OR REPLACE VIEW SAMPLE AS
            SELECT f.SAMPLE_TIME, d.DAY, i.DATABASE_TYPE, i.ENVIRONMENT, i.REGION, i.INSTANCE_ID, m.METRIC_NAME, m.UNIT, m.KIND,
                   f.VALUE, f.COLLECTION_DURATION_MS, f.CORRELATION_ID, i.TAGS
            FROM FACT_SAMPLE f
            JOIN DIM_DATE d ON d.DATE_KEY = f.DATE_KEY
            JOIN DIM_INSTANCE i ON i.INSTANCE_KEY = f.INSTANCE_KEY
            JOIN DIM_METRIC m ON m.METRIC_KEY = f.METRIC_KEY
            """,
        ]),
        new(3, "series labels: DIM_SERIES_LABELS, fact key (instance, metric, labels, time), earlier facts unlabelled",
        [
            """
            CREATE TABLE IF NOT EXISTS DIM_SERIES_LABELS (
                LABELS_KEY NUMBER(19,0) NOT NULL PRIMARY KEY, LABELS VARIANT NOT NULL, LABELS_TEXT VARCHAR NOT NULL)
            """,
            """
            MERGE INTO DIM_SERIES_LABELS d USING (SELECT 0 AS LABELS_KEY) s ON d.LABELS_KEY = s.LABELS_KEY
            WHEN NOT MATCHED THEN INSERT (LABELS_KEY, LABELS, LABELS_TEXT) VALUES (0, PARSE_JSON('{}'), '')
            """,
            // Rows already there take the default: every fact loaded before reads as "no labels".
            "ALTER TABLE FACT_SAMPLE ADD COLUMN IF NOT EXISTS LABELS_KEY NUMBER(19,0) NOT NULL DEFAULT 0",
            "ALTER TABLE STAGE_SAMPLE ADD COLUMN IF NOT EXISTS LABELS_KEY NUMBER(19,0) NOT NULL DEFAULT 0",
            // Snowflake does not enforce the key (the loader's MERGE does) but tools read it, so it must name the
            // new grain. A constraint's columns cannot be altered, only dropped and added; DROP PRIMARY KEY has no
            // IF EXISTS, and fails on a re-run after a half-applied migration that dropped it already: hence the block.
            // Any other failure of the DROP still stops the migration, at the ADD (a table has one primary key).
            """
            EXECUTE IMMEDIATE $$
            BEGIN
                ALTER TABLE FACT_SAMPLE DROP PRIMARY KEY;
            EXCEPTION
                WHEN STATEMENT_ERROR THEN NULL;
            END;
            $$
            """,
            "ALTER TABLE FACT_SAMPLE ADD PRIMARY KEY (INSTANCE_KEY, METRIC_KEY, LABELS_KEY, SAMPLE_TIME)",
            """
            CREATE OR REPLACE VIEW SAMPLE AS
            SELECT f.SAMPLE_TIME, d.DAY, i.DATABASE_TYPE, i.ENVIRONMENT, i.REGION, i.INSTANCE_ID, m.METRIC_NAME, m.UNIT, m.KIND,
                   f.VALUE, f.COLLECTION_DURATION_MS, f.CORRELATION_ID, i.TAGS, l.LABELS, l.LABELS_TEXT
            FROM FACT_SAMPLE f
            JOIN DIM_DATE d ON d.DATE_KEY = f.DATE_KEY
            JOIN DIM_INSTANCE i ON i.INSTANCE_KEY = f.INSTANCE_KEY
            JOIN DIM_METRIC m ON m.METRIC_KEY = f.METRIC_KEY
            JOIN DIM_SERIES_LABELS l ON l.LABELS_KEY = f.LABELS_KEY
            """,
        ]),
    ];
}
