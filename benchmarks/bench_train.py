"""Time a default training run (``make train``: built-in synthetic dataset, default options) phase by phase.

Usage: ``python benchmarks/bench_train.py [--data PATH] [--trials N] [--folds N]``. The bundle goes to a
temporary directory; the printed figures are what the README quotes (target: under 3 minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modeling.artifacts import load_bundle
from modeling.inference import score_frame
from modeling.train import TrainOptions, train


def _per_call_ms(function, repeats: int) -> float:
    function()
    started = time.perf_counter()
    for _ in range(repeats):
        function()
    return (time.perf_counter() - started) / repeats * 1000


def main() -> None:
    """Train once into a temporary directory and print the seconds of every phase."""
    defaults = TrainOptions()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--trials", type=int, default=defaults.trials)
    parser.add_argument("--folds", type=int, default=defaults.folds)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as models_dir:
        options = TrainOptions(data=args.data, models_dir=Path(models_dir), trials=args.trials, folds=args.folds)
        result = train(options)
        bundle = load_bundle(models_dir)
        holdout = bundle.load_frame("holdout")
        one_row = _per_call_ms(lambda: score_frame(bundle, holdout.iloc[[0]]), 200)
    print(f"\nbench_train: {result.metadata['data']['path']}, {options.trials} trials, {options.folds} folds, "
          f"{os.cpu_count()} CPUs, selected {result.metadata['selected_model']['name']}")
    for phase, seconds in result.timings.items():
        print(f"  {phase:<32}{seconds:>8.1f} s")
    print(f"  {'score_frame, 1 record':<32}{one_row:>8.2f} ms")
    test = result.metadata["metrics"]["test"]
    print(f"  held-out test: ROC-AUC {test['roc_auc']:.3f}, recall_0 {test['recall_0']:.3f}, "
          f"precision_0 {test['precision_0']:.3f}")
    verdict = "under" if result.timings["total"] < 180 else "OVER"
    print(f"total {result.timings['total']:.1f} s — {verdict} the 3-minute target")


if __name__ == "__main__":
    main()
