"""Property-based API checks (schemathesis) over the app's own /openapi.json, in process: generated and
schema-violating requests for every operation never get a 5xx, and every response matches the document (status
codes, content types, bodies, headers).

Not checked: whether schema-valid data is accepted and schema-violating data refused. The document cannot say
everything: an upload named ``file.png`` is schema-valid and rightly refused."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.config import Settings

MAX_EXAMPLES = 15  # per operation (and phase): seconds in total, not minutes
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture(scope="module")
def api_schema(trained_models_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    app = create_app(Settings(models_dir=trained_models_dir, predictions_dir=folder, max_batch_rows=50,
                              max_upload_mb=0.25, seed_holdout=False))
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate(checks=CHECKS)
