"""`serve`: run the web app with uvicorn on this machine's data directory."""

from __future__ import annotations

import click
import uvicorn

from academichub.cli.context import AppContext, pass_app
from academichub.web.app import create_app


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@pass_app
def serve(app: AppContext, host: str, port: int) -> None:
    """Serve the web app (Curated Daily, search, radars, sources); the first visitor creates the admin account."""
    web = create_app(app.settings)
    click.echo(f"AcademicHub on http://{host}:{port}/ (data: {app.settings.home}); Ctrl-C stops it", err=True)
    uvicorn.run(web, host=host, port=port, proxy_headers=True, log_level="info", server_header=False)
