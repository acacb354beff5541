"""The challenger and model-switch settings read from the environment, with clear errors for bad values."""
from __future__ import annotations

import pytest

from app.config import Settings, SettingsError


def test_challenger_settings_from_the_environment():
    settings = Settings.from_env({"CHALLENGER_VERSION": " v2 ", "SHADOW_QUEUE_ROWS": "5000",
                                  "MODEL_POLL_SECONDS": "0"})
    assert (settings.challenger_version, settings.shadow_queue_rows, settings.model_poll_seconds) == ("v2", 5000, 0)
    defaults = Settings.from_env({})
    assert (defaults.challenger_version, defaults.shadow_queue_rows, defaults.model_poll_seconds) == \
        (None, 50_000, 1.0)


@pytest.mark.parametrize(("name", "value"), [("SHADOW_QUEUE_ROWS", "0"), ("SHADOW_QUEUE_ROWS", "many"),
                                             ("MODEL_POLL_SECONDS", "-1"), ("MODEL_POLL_SECONDS", "inf")])
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
