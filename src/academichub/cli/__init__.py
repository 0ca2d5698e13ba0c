"""The `academichub` command: a thin Click group; every command lives in a module of this package.

Errors from AcademicHub reach the user as one line on stderr and exit code 1,
never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from academichub import __version__
from academichub.cli.context import AppContext
from academichub.errors import AcademicHubError
from academichub.sources.xml import warn_old_expat

PARSES_XML = frozenset({"fetch", "harvest", "ingest", "run-daily", "serve"})  # warned about an old Expat at start
COMMANDS = {  # name → where it lives, imported when it runs (or when --help lists it)
    "init": "sources:init",
    "fetch": "sources:fetch",
    "harvest": "sources:harvest",
    "ingest": "sources:ingest",
    "papers": "papers:papers",
    "search": "papers:search",
    "sources": "sources:sources",
    "radar": "radar:radar",
    "feedback": "radar:feedback",
    "daily": "radar:daily",
    "embed": "radar:embed",
    "run-daily": "run:run_daily_command",
    "runs": "run:runs",
    "demo": "demo:demo",
    "export": "export:export",
    "deliver-test": "export:deliver_test",
    "brief": "brief:brief",
    "providers": "brief:providers",
    "serve": "serve:serve",
    "backup": "backup:backup",
    "restore": "backup:restore",
    "compact": "backup:compact",
    "user": "user:user",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is asked for: `academichub daily` does not
    load the web app, the LLM clients or the exporters (about 2 s of imports on a 2-core machine)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = COMMANDS[name].split(":")
        command = getattr(importlib.import_module(f"academichub.cli.{module}"), attribute)
        if not isinstance(command, click.Command) or command.name != name:
            raise RuntimeError(f"academichub.cli.{module}.{attribute} is not the `{name}` command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="academichub")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """AcademicHub: the day's new papers from arXiv, bioRxiv/medRxiv and top journals, deduplicated."""
    ctx.obj = AppContext()
    if ctx.invoked_subcommand in PARSES_XML:
        warn_old_expat()


def main() -> None:
    """Entry point: run the CLI, turning AcademicHub errors into one clear line."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except AcademicHubError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, with the way to see the traceback
        if "--debug" in sys.argv:
            raise
        click.echo(f"Internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", err=True)
        sys.exit(1)
