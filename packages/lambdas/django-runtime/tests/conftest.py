from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.counts import CountsPlugin
from support.moto_server import MotoServer, start_moto_server

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(CountsPlugin(PACKAGE_DIR / "test-results"), "zonke-counts")


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = start_moto_server(tmp_path_factory.mktemp("moto"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(moto_server: MotoServer) -> MotoServer:
    """The server with no secrets and an empty request log."""
    moto_server.reset()
    return moto_server
