namespace Gds.Cli.Commands.Rules;

public sealed class RulesPublishCommand() : NotBuiltYet<EmptySettings>("issue 2");
