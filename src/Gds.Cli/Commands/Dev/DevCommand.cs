namespace Gds.Cli.Commands.Dev;

public sealed class DevCommand() : NotBuiltYet<EmptySettings>("issue 2");
