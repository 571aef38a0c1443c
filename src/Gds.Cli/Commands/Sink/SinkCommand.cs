namespace Gds.Cli.Commands.Sink;

public sealed class SinkCommand() : NotBuiltYet<EmptySettings>("issue 2");
