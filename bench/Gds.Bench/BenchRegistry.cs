namespace Gds.Bench;

/// <summary>The `gds bench` verbs, added to the product's verbs by the bench host only.</summary>
public static class BenchRegistry
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Benchmarks (figures, not tests).");
            bench.AddCommand<Commands.BenchStreamsCommand>("streams").WithDescription("Metrics/s through the full topology vs the raw producer rate.");
            bench.AddCommand<Commands.BenchScaleOutCommand>("scale-out").WithDescription("Metrics/s with 1, 2, 3 separate gds streams processes sharing the partitions.");
            bench.AddCommand<Commands.BenchSinkCommand>("sink").WithDescription("Notifications/s to a local receiver.");
            bench.AddCommand<Commands.BenchDwCommand>("dw").WithDescription("Rows/s into PostgreSQL from the embedded broker.");
            bench.AddCommand<Commands.BenchCollectCommand>("collect").WithDescription("PostgreSQL targets one collector sustains at a 30 s interval.");
        });
    }
}
