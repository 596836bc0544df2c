"""MOTCUA_TRUSTED_PROXIES: the proxies whose X-Forwarded-For names the client."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.config import ConfigurationError, load_settings


def test_trusted_proxies_are_read_from_the_environment(tmp_path: Path) -> None:
    base = {"MOTCUA_VAR_DIR": str(tmp_path)}
    assert load_settings(base).trusted_proxies == ()
    settings = load_settings({**base, "MOTCUA_TRUSTED_PROXIES": " 10.0.0.1, 172.16.0.0/12,::1 "})
    assert settings.trusted_proxies == ("10.0.0.1/32", "172.16.0.0/12", "::1/128")
    for wrong in ("nginx", "10.0.0.1/8", "10.0.0.0/33"):
        with pytest.raises(ConfigurationError, match="MOTCUA_TRUSTED_PROXIES"):
            load_settings({**base, "MOTCUA_TRUSTED_PROXIES": wrong})
