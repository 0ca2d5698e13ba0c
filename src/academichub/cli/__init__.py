"""The `academichub` command: a thin Click group; every command lives in a module of this package.

Errors from AcademicHub reach the user as one line on stderr and exit code 1,
never a traceback.
"""

from __future__ import annotations

import sys

import click

from academichub import __version__
from academichub.cli.backup import backup, restore
from academichub.cli.brief import brief, providers
from academichub.cli.context import AppContext
from academichub.cli.demo import demo
from academichub.cli.export import deliver_test, export
from academichub.cli.papers import papers, search
from academichub.cli.radar import daily, embed, feedback, radar
from academichub.cli.run import run_daily_command, runs
from academichub.cli.serve import serve
from academichub.cli.sources import fetch, harvest, ingest, init, sources
from academichub.cli.user import user
from academichub.errors import AcademicHubError
from academichub.sources.xml import warn_old_expat

PARSES_XML = frozenset({"fetch", "harvest", "ingest", "run-daily", "serve"})  # warned about an old Expat at start


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="academichub")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """AcademicHub: the day's new papers from arXiv, bioRxiv/medRxiv and top journals, deduplicated."""
    ctx.obj = AppContext()
    if ctx.invoked_subcommand in PARSES_XML:
        warn_old_expat()


for command in (
    init,
    fetch,
    harvest,
    ingest,
    papers,
    search,
    sources,
    radar,
    feedback,
    daily,
    embed,
    run_daily_command,
    runs,
    demo,
    export,
    deliver_test,
    brief,
    providers,
    serve,
    backup,
    restore,
    user,
):
    cli.add_command(command)


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
