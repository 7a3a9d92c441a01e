"""The REST API over real HTTP (tests/api's ``client``), for the per-reminder URL."""

from tests.api.conftest import client

__all__ = ["client"]
