namespace Gds.Cli.Commands.DwImport;

public sealed class DwImportCommand() : NotBuiltYet<EmptySettings>("issue 7: data-warehouse importer");
