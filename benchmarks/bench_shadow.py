"""What shadow scoring costs a request: sequential ``/predict`` latency (p50, p90) of the same app without and
with a challenger scoring in shadow, measured in the same run (alternating blocks), and their ratio
(target: ≤ 1.20 at p50).

Usage: ``python benchmarks/bench_shadow.py [--models-dir models] [--challenger VERSION] [--requests 2000] [--http]``.
The champion is the bundle ``LATEST`` names, the challenger another bundle of the same folder (the newest other
one by default); without two bundles there, two small ones are trained on synthetic data into a temporary
folder first. Requests go through the Flask app in process (no network), so the shadow thread's share of the
GIL shows fully; each block waits for the shadow queue to drain before the next one starts. ``--http`` adds the
same over HTTP: two gunicorn servers of one worker each (one with ``CHALLENGER_VERSION``), alternating blocks.
"""
from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import Settings  # noqa: E402
from benchmarks.bench_api import free_port, post, sample_records, start_gunicorn  # noqa: E402
from modeling.artifacts import LATEST_FILE, list_versions, point_latest  # noqa: E402

BLOCK = 100


def two_bundles(models_dir: Path | None, challenger: str | None) -> tuple[Path, str, str]:
    """``(models_dir, champion, challenger)``, training two small synthetic bundles when needed."""
    if models_dir is not None and (models_dir / LATEST_FILE).is_file():
        champion = (models_dir / LATEST_FILE).read_text().strip()
        others = [v for v in list_versions(models_dir) if v != champion]
        if challenger or others:
            return models_dir, champion, challenger or others[-1]
    from modeling.data.reading import load_training_data
    from modeling.train import TrainOptions, train_table

    folder = Path(tempfile.mkdtemp(prefix="bench-shadow-models-"))
    table = load_training_data(None)
    first = train_table(table, TrainOptions(models_dir=folder, trials=1, folds=3, seed=1)).bundle_path.name
    second = train_table(table, TrainOptions(models_dir=folder, trials=1, folds=3, seed=2)).bundle_path.name
    point_latest(folder, first)
    print(f"trained two synthetic bundles in {folder}: {first} (champion), {second} (challenger)")
    return folder, first, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--challenger", default=None)
    parser.add_argument("--requests", type=int, default=2000, help="requests per variant")
    parser.add_argument("--http", action="store_true", help="also measure over HTTP (two gunicorn servers)")
    parser.add_argument("--pairs", type=int, default=0, help="also time the dashboard comparison on a log of this "
                        "many rows, every one shadow-scored (≤ 200,000 read)")
    args = parser.parse_args()
    models_dir, champion, challenger = two_bundles(args.models_dir, args.challenger)
    folder = Path(tempfile.mkdtemp(prefix="bench-shadow-"))
    apps = {}
    for name, version in (("without", None), ("with", challenger)):
        settings = Settings(models_dir=models_dir, predictions_dir=folder / name, seed_holdout=False,
                            challenger_version=version, model_poll_seconds=0)
        apps[name] = create_app(settings)
    records = sample_records(apps["without"].extensions["credit_risk"], 500)
    clients = {name: app.test_client() for name, app in apps.items()}
    shadow = apps["with"].extensions["credit_risk"].models.shadow
    times: dict[str, list[float]] = {"without": [], "with": []}
    for client in clients.values():  # warm-up
        for record in records[:50]:
            client.post("/predict", json=record)
    shadow.flush()
    sent = 0
    while sent < args.requests:
        for name, client in clients.items():
            for i in range(BLOCK):
                record = records[(sent + i) % len(records)]
                start = time.perf_counter()
                response = client.post("/predict", json=record)
                times[name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.get_data(as_text=True)
            shadow.flush()
        sent += BLOCK
    print(f"champion {champion}, challenger {challenger}; {sent:,} sequential /predict per variant "
          f"(blocks of {BLOCK}, alternating), in process, SQLite log")
    p50 = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        p90 = statistics.quantiles(t, n=10)[-1]
        print(f"  {name + ' challenger':<20} p50 {p50[name]:6.2f} ms   p90 {p90:6.2f} ms")
    print(f"  ratio at p50 (with / without): {p50['with'] / p50['without']:.3f}  (target ≤ 1.20)")
    engine = apps["with"].extensions["credit_risk"].log.engine
    with engine.connect() as conn:
        from sqlalchemy import text

        scored = conn.execute(text("SELECT COUNT(*) FROM shadow_scores")).scalar_one()
    print(f"  shadow rows written: {scored:,} of {len(times['with']) + 50:,} logged")
    if args.http:
        over_http(models_dir, challenger, records, args.requests, folder)
    if args.pairs:
        comparison_view(models_dir, challenger, args.pairs, folder)


def comparison_view(models_dir: Path, challenger: str, rows: int, folder: Path) -> None:
    """Time the Desempeño comparison (join, statistics) on ``rows`` logged rows all scored by the challenger
    (its scores copied from the champion's, shifted: the read and the statistics cost the same)."""
    from sqlalchemy import text

    from app.services.shadow import ComparisonService
    from benchmarks.log_fill import fill

    app = create_app(Settings(models_dir=models_dir, predictions_dir=folder / "pairs", seed_holdout=False,
                              model_poll_seconds=0))
    services = app.extensions["credit_risk"]
    fill(services.scoring, rows)
    with services.log.engine.begin() as conn:
        conn.execute(text('INSERT INTO shadow_scores (request_id, "row", challenger_version, champion_version, '
                          'scored_at, day, prob_default, "Pago_atiempo_pred", risk_band) SELECT request_id, "row", '
                          ':v, model_version, scored_at, day, prob_default * 0.9, "Pago_atiempo_pred", risk_band '
                          "FROM predictions"), {"v": challenger})
    service = ComparisonService(services.log.engine, models_dir)
    service.compare(challenger)  # loads the two bundles once
    times = []
    for _ in range(3):
        start = time.perf_counter()
        found = service.compare(challenger)
        times.append(time.perf_counter() - start)
    print(f"comparison view, {rows:,} logged rows all shadow-scored ({found.n:,} pairs read, SQLite): "
          f"best {min(times):.2f} s of 3")


def over_http(models_dir: Path, challenger: str, records: list[dict], requests: int, folder: Path) -> None:
    """The same comparison through gunicorn (one worker each, SQLite logs), sequential keep-alive requests."""
    import orjson

    bodies = [orjson.dumps(r) for r in records]
    servers, ports = {}, {}
    try:
        for name, version in (("without", ""), ("with", challenger)):
            port = free_port()
            env = {**os.environ, "MODELS_DIR": str(models_dir), "PREDICTIONS_DIR": str(folder / f"http-{name}"),
                   "WORKERS": "1", "SEED_HOLDOUT": "0", "CHALLENGER_VERSION": version,
                   "PROMETHEUS_MULTIPROC_DIR": str(folder / f"metrics-{name}")}
            os.makedirs(env["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
            servers[name], ports[name] = start_gunicorn(port, env), port
        times: dict[str, list[float]] = {"without": [], "with": []}
        for port in ports.values():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for body in bodies[:50]:
                post(conn, "/predict", body)
            conn.close()
        sent = 0
        while sent < requests:
            for name, port in ports.items():
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # one per block: keep-alive
                for i in range(BLOCK):
                    start = time.perf_counter()
                    post(conn, "/predict", bodies[(sent + i) % len(bodies)])
                    times[name].append((time.perf_counter() - start) * 1000)
                conn.close()
                time.sleep(0.5)  # the shadow thread flushes every 0.25 s: its block's work is done
            sent += BLOCK
    finally:
        for process in servers.values():
            process.terminate()
            process.wait(timeout=30)
    p50 = {name: statistics.median(t) for name, t in times.items()}
    print(f"over HTTP (gunicorn, 1 worker each, keep-alive), {sent:,} sequential /predict per variant:")
    for name, t in times.items():
        print(f"  {name + ' challenger':<20} p50 {p50[name]:6.2f} ms   p90 {statistics.quantiles(t, n=10)[-1]:6.2f} ms")
    print(f"  ratio at p50 (with / without): {p50['with'] / p50['without']:.3f}  (target ≤ 1.20)")


if __name__ == "__main__":
    main()
