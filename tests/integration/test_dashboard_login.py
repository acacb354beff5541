"""DASHBOARD_USER / DASHBOARD_PASSWORD: HTTP Basic on the dashboard, callbacks, assets and downloads only."""
from __future__ import annotations

import base64

import pytest

from app.config import Settings, SettingsError

USER, PASSWORD = "analista", "clave-ñ-segura"
PROTECTED = ["/", "/_dash-layout", "/_dash-dependencies", "/logs/export.csv", "/vendor/bootstrap/nope.css",
             "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js", "/assets/style.css",
             "/no-such-page"]


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def guarded(make_app):
    return make_app(dashboard_user=USER, dashboard_password=PASSWORD).test_client()


def _callback_body(client) -> dict:
    """The first callback the dashboard declares, with its inputs empty (what the browser posts)."""
    dependency = client.get("/_dash-dependencies", headers=basic(USER, PASSWORD)).get_json()[0]
    return {"output": dependency["output"], "outputs": [], "inputs": [], "changedPropIds": [], "state": []}


@pytest.mark.parametrize("headers", [{}, basic(USER, "wrong"), basic("otro", PASSWORD), basic(USER, ""),
                                     {"Authorization": "Bearer token"}])
def test_without_the_right_credentials_everything_non_api_is_401(guarded, headers):
    for path in PROTECTED:
        response = guarded.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Basic"), path
    callback = guarded.post("/_dash-update-component", json=_callback_body(guarded), headers=headers)
    assert callback.status_code == 401
    assert "WWW-Authenticate" in callback.headers


def test_the_right_credentials_open_the_dashboard(guarded):
    headers = basic(USER, PASSWORD)
    assert guarded.get("/", headers=headers).status_code == 200
    assert guarded.get("/_dash-layout", headers=headers).status_code == 200
    export = guarded.get("/logs/export.csv", headers=headers)
    assert export.status_code == 200 and export.mimetype == "text/csv"
    callback = guarded.post("/_dash-update-component", json=_callback_body(guarded), headers=headers)
    assert callback.status_code != 401


def test_the_api_and_health_keep_their_own_rules(guarded, record):
    assert guarded.get("/health").status_code == 200
    assert guarded.get("/health/live").status_code == 200
    assert guarded.get("/openapi.json").status_code == 200
    assert guarded.get("/docs").status_code == 200
    assert guarded.post("/predict", json=record).status_code == 200
    assert guarded.post("/predict_batch", json=[record]).status_code == 200


def test_the_api_key_still_applies_with_the_login_on(make_app, record):
    client = make_app(dashboard_user=USER, dashboard_password=PASSWORD, api_key="k").test_client()
    assert client.post("/predict", json=record, headers=basic(USER, PASSWORD)).status_code == 401
    assert client.post("/predict", json=record, headers={"X-API-Key": "k"}).status_code == 200


def test_nothing_changes_when_unset(client):
    for path in ("/", "/_dash-layout", "/logs/export.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "WWW-Authenticate" not in response.headers


def test_settings_need_both_or_neither(tmp_path):
    env = {"DASHBOARD_USER": USER, "DASHBOARD_PASSWORD": PASSWORD}
    assert Settings.from_env(env).dashboard_login
    assert not Settings.from_env({}).dashboard_login
    with pytest.raises(SettingsError, match="DASHBOARD_PASSWORD"):
        Settings.from_env({"DASHBOARD_USER": USER})
