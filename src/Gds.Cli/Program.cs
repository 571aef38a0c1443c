return await Gds.Cli.GdsApp.RunAsync(args);
