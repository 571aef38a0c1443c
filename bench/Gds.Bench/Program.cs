return await Gds.Cli.GdsApp.RunAsync(args, extend: Gds.Bench.BenchRegistry.Register);
