"""cProfile of the in-process scoring service: one record (repeated) and one 10,000-record batch.

Usage: ``python benchmarks/profile_scoring.py [--models-dir models] [--top 25] [--repeat 300]``.
The prediction log goes to a temporary SQLite file (``DATABASE_URL`` to profile another database).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.services import build_services  # noqa: E402
from benchmarks.bench_api import sample_records  # noqa: E402


def profile(label: str, fn, top: int) -> None:
    fn()  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(f"===== {label} =====")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", "models"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    settings = Settings(models_dir=Path(args.models_dir), predictions_dir=Path(tempfile.mkdtemp(prefix="prof_")),
                        database_url=os.environ.get("DATABASE_URL"), seed_holdout=False)
    scoring = build_services(settings).scoring
    records = sample_records(build_services(settings), args.batch)

    def singles() -> None:
        for record in records[:args.repeat]:
            scoring.score_records([record], source="api")

    profile(f"1 record × {args.repeat}", singles, args.top)
    profile(f"{args.batch:,} records", lambda: scoring.score_records(records, source="api"), args.top)


if __name__ == "__main__":
    main()
