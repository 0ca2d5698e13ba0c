"""Settings and the store, built once per command invocation and closed at exit."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from academichub.config import Settings, load_settings
from academichub.store import Store, open_store


@dataclass
class AppContext:
    settings_overrides: dict[str, object] = field(default_factory=dict)
    _settings: Settings | None = None
    _store: Store | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(**self.settings_overrides)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.resolved_database_url)
            click.get_current_context().call_on_close(self._store.close)
        return self._store


pass_app = click.make_pass_decorator(AppContext)
