namespace Gds.Cli.Commands.KafkaBroker;

public sealed class KafkaCommand() : NotBuiltYet<EmptySettings>("issue 2");
