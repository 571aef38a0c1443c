namespace Gds.Cli.Commands.Dlq;

public sealed class DlqReplayCommand() : NotBuiltYet<EmptySettings>("issue 6: notification sink");
