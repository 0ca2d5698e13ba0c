"""`serve`: run the web app with uvicorn on this machine's data directory."""

from __future__ import annotations

import click
import uvicorn

from academichub.cli.context import AppContext, pass_app
from academichub.pipeline.daily_job import start_daily_schedule
from academichub.web.app import create_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@pass_app
def serve(app: AppContext, host: str, port: int) -> None:
    """Serve the web app; the first visitor creates the admin account. Runs run-daily on `daily_schedule` (UTC)."""
    web = create_app(app.settings)
    click.echo(f"AcademicHub on http://{host}:{port}/ (data: {app.settings.home}); Ctrl-C stops it", err=True)
    scheduler = start_daily_schedule(app.settings)
    if scheduler is not None:
        click.echo(f"run-daily is scheduled at {app.settings.daily_schedule!r} (cron, UTC)", err=True)
    try:
        uvicorn.run(web, host=host, port=port, proxy_headers=True, log_level="info", server_header=False)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
