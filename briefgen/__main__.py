from briefgen.cli import cli

cli()
