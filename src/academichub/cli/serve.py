"""`serve`: run the web app with uvicorn on this machine's data directory, in one or several worker processes.

Workers are spawned processes, so each builds its own app: uvicorn is handed `create_app` bound to
this command's Settings (a picklable partial, called as a factory in every worker), never an
import string that would re-read the environment. The database is migrated once, here, before
any worker starts, and the daily schedule runs in this process only.
"""

from __future__ import annotations

import functools

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from academichub.cli.context import AppContext, pass_app
from academichub.config import Settings
from academichub.pipeline.daily_job import start_daily_schedule
from academichub.store import open_store
from academichub.web.app import create_app

WORKERS_HELP = (
    "Worker processes (default 1). Sign-in throttling and rate limits are counted in the database, so "
    "they hold across workers; each worker keeps its own page caches and related-papers index "
    "(~100 MB at 100k papers)."
)
# uvicorn kills a worker that does not answer its supervisor's ping within this time, starting up too: the
# default 5 s is shorter than importing the app on a busy machine, which turned into an endless restart loop.
WORKER_HEALTHCHECK_TIMEOUT_S = 60


def uvicorn_config(settings: Settings, host: str, port: int, workers: int) -> uvicorn.Config:
    """The server configuration: every worker calls create_app(settings) itself."""
    return uvicorn.Config(
        functools.partial(create_app, settings),
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT_S,
        proxy_headers=True,
        log_level="info",
        server_header=False,
    )


def run_server(config: uvicorn.Config) -> None:
    """What uvicorn.run does, minus its rule that several workers need an import string."""
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise click.ClickException(f"the server did not start on {config.host}:{config.port} (see the log above)")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help=WORKERS_HELP)
@pass_app
def serve(app: AppContext, host: str, port: int, workers: int) -> None:
    """Serve the web app; the first visitor creates the admin account. Runs run-daily on `daily_schedule` (UTC)."""
    open_store(app.settings.resolved_database_url).close()  # migrate once, not once per worker
    config = uvicorn_config(app.settings, host, port, workers)
    plural = "s" if workers > 1 else ""
    click.echo(
        f"AcademicHub on http://{host}:{port}/ ({workers} worker{plural}; data: {app.settings.home}); Ctrl-C stops it",
        err=True,
    )
    scheduler = start_daily_schedule(app.settings)
    if scheduler is not None:
        click.echo(f"run-daily is scheduled at {app.settings.daily_schedule!r} (cron, UTC)", err=True)
    try:
        run_server(config)
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
