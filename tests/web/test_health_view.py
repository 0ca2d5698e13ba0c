"""The Sources page shows the administrator what `academichub sources` warns about: backups and an old Expat."""

from __future__ import annotations

import os
import pyexpat
import time

from starlette.testclient import TestClient

from academichub.config import Settings
from academichub.store.backup import backup_database, default_backup_path
from academichub.web.app import create_app
from web_demo_site import sign_up


def test_the_admin_sees_a_missing_then_stale_backup_on_the_sources_page(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings), headers={"accept-language": "en"}) as client:
        sign_up(client)
        assert "no backup yet" in client.get("/sources").text
        report = backup_database(web_settings.sqlite_path, default_backup_path(web_settings.backups_dir))
        assert report.ok
        page = client.get("/sources").text
        assert "backup" not in page.split("<table", 1)[0].split("<h1>", 1)[1]  # a fresh backup: nothing to say
        then = time.time() - 30 * 3600
        os.utime(report.path, (then, then))
        assert f"the newest backup ({report.path.name}) is 30 h old (limit 26 h)" in client.get("/sources").text
        if tuple(pyexpat.version_info) < (2, 6, 0):
            assert "is older than 2.6.0" in page
