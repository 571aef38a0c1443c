namespace Gds.Cli.Commands.Rules;

public sealed class RulesValidateCommand() : NotBuiltYet<EmptySettings>("issue 2");
