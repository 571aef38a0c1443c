namespace Gds.Cli.Commands;

/// <summary>Every verb of `gds`, one process each. Kept in one list so `gds --help` shows the whole system.</summary>
public static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<Dev.DevCommand>("dev").WithDescription("Everything in one process on the embedded broker: fleet generator, topology, sink, local receiver.");
        config.AddCommand<KafkaBroker.KafkaCommand>("kafka").WithDescription("Run the embedded Kafka broker as its own process, with every gds topic created.");
        config.AddBranch("topics", topics =>
        {
            topics.SetDescription("The gds topics of a real cluster.");
            topics.AddCommand<Topics.TopicsApplyCommand>("apply").WithDescription("Create every gds topic the cluster lacks, with its cleanup policy; report each as created, present or differs.");
        });
        config.AddCommand<Collect.CollectCommand>("collect").WithDescription("Poll the databases of a targets file and publish their metrics.");
        config.AddCommand<Streams.StreamsCommand>("streams").WithDescription("Run the alerting topology (Streamiz): metrics + rules -> alerts.");
        config.AddCommand<Sink.SinkCommand>("sink").WithDescription("Deliver alert events to gds_notification (POST /ingest).");
        config.AddCommand<DwImport.DwImportCommand>("dw-import").WithDescription("Import metric topics into the data warehouse (PostgreSQL or Snowflake).");
        config.AddCommand<Probe.ProbeCommand>("probe").WithDescription("GET a URL and exit 0 on 2xx, 1 otherwise: the containers' healthcheck on /readyz.");
        config.AddCommand<Metrics.MetricsCommand>("metrics").WithDescription("Print the metric catalogue: every metric a collector emits, with kind, unit, labels and help.");
        config.AddBranch("rules", rules =>
        {
            rules.SetDescription("Validate, publish and backtest alerting rules.");
            rules.AddCommand<Rules.RulesValidateCommand>("validate").WithDescription("Check a rules file; report every error with file, line and field.");
            rules.AddCommand<Rules.RulesPublishCommand>("publish").WithDescription("Publish a rules file to gds.rules (nothing is published if any rule is invalid).");
            rules.AddCommand<Rules.RulesBacktestCommand>("backtest").WithDescription("Run the rules offline over recorded samples and print the alerts they would raise.");
        });
        config.AddBranch("silence", silence =>
        {
            silence.SetDescription("Manage silences (time ranges and recurring maintenance windows).");
            silence.AddCommand<Silences.SilenceAddCommand>("add").WithDescription("Add a silence.");
            silence.AddCommand<Silences.SilenceListCommand>("list").WithDescription("List active and scheduled silences.");
            silence.AddCommand<Silences.SilenceExpireCommand>("expire").WithDescription("Expire a silence now.");
        });
        config.AddCommand<Acks.AckCommand>("ack").WithDescription("Acknowledge a firing alert.");
        config.AddCommand<Ui.UiCommand>("ui").WithDescription("Serve the live dashboard: alerts grouped, their history and series, silences and acks from the browser.");
        config.AddBranch("schemas", schemas =>
        {
            schemas.SetDescription("The Avro schemas of schemas/*.avsc.");
            schemas.AddCommand<Schemas.SchemasCheckCommand>("check").WithDescription("Compare each schema with its last committed version; refuse a change new readers cannot read old records with (BACKWARD).");
        });
        config.AddBranch("dlq", dlq =>
        {
            dlq.SetDescription("Dead-letter queues.");
            dlq.AddCommand<Dlq.DlqReplayCommand>("replay").WithDescription("Re-publish dead-lettered alert events to gds.alerts.");
        });
    }
}
