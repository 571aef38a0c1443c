namespace Gds.Cli.Commands.Bench;

public sealed class BenchStreamsCommand() : NotBuiltYet<EmptySettings>("issue 4: topology benchmark");
