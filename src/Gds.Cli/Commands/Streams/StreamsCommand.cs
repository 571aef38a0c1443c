namespace Gds.Cli.Commands.Streams;

public sealed class StreamsCommand() : NotBuiltYet<EmptySettings>("issue 2");
