"""Champion vs challenger on the same loans: agreement of scores and decisions, band changes, score drift and
performance — realised where outcomes are known, estimated (CBPE) everywhere. Plain numbers in, frames out."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import roc_auc_score

from app.services.shadow.pairs import Pairs, late
from modeling.drift import SCORE_NAME
from modeling.drift.noise import classify, noise_level
from modeling.drift.profile import load_profile
from modeling.drift.psi import occupied_bins, psi_from_counts

MODELS = ("champion", "challenger")
METRICS = ("roc_auc", "recall_0", "precision_0", "f1_0", "brier")
DRIFT_COLUMNS = ["month", "model", "psi", "noise_level", "status", "mean_prob", "n"]


@dataclass(frozen=True)
class Comparison:
    """Everything the Desempeño tab shows about one challenger (see :func:`compare`)."""

    challenger: str
    champions: tuple[str, ...]
    n: int
    total: int | None            # loans matching the selection (None: not counted, see Pairs)
    labelled: int
    pearson: float
    spearman: float
    same_class: float
    mean_abs_diff: float
    bands: pd.DataFrame          # champion band (index) × challenger band (columns): loans
    drift: pd.DataFrame          # month, model, psi, noise_level, status, mean_prob, n
    performance: pd.DataFrame    # metric, model, realised, estimated, n_labelled, insufficient
    sample: pd.DataFrame         # ≤ 5,000 (champion_prob, challenger_prob) pairs for the scatter


def compare(pairs: Pairs, references: dict[str, dict], labels: tuple[list[str], list[str]],
            min_late: int = 20) -> Comparison | None:
    """The comparison of ``pairs`` (None when empty). ``references`` maps ``"champion"``/``"challenger"`` to
    each bundle's reference profile (its score bins, for PSI); ``labels`` the two bundles' band labels."""
    f = pairs.frame
    if f.empty:
        return None
    a, b = f["champion_prob"].to_numpy(), f["challenger_prob"].to_numpy()
    single = len(f) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0
    bands = pd.crosstab(pd.Categorical(f["champion_band"], categories=labels[0]),
                        pd.Categorical(f["challenger_band"], categories=labels[1]), dropna=False)
    y = late(f["actual"])
    return Comparison(
        challenger=pairs.challenger, champions=tuple(sorted(f["champion"].unique())), n=len(f), total=pairs.total,
        labelled=int((~np.isnan(y)).sum()),
        pearson=float("nan") if single else float(np.corrcoef(a, b)[0, 1]),
        spearman=float("nan") if single else float(stats.spearmanr(a, b).statistic),
        same_class=float((f["champion_pred"] == f["challenger_pred"]).mean()),
        mean_abs_diff=float(np.abs(a - b).mean()), bands=bands,
        drift=_drift(f, references), performance=_performance(f, y, min_late),
        sample=f[["champion_prob", "challenger_prob"]].sample(min(len(f), 5000), random_state=0))


def _drift(f: pd.DataFrame, references: dict[str, dict]) -> pd.DataFrame:
    """PSI of each model's score per loan month against its own training reference, its noise level and status
    (the Data Drift tab's rule, :mod:`modeling.drift.noise`: a month too small to tell PSI from sampling noise is
    ``insufficient data``), and the mean score."""
    rows = []
    months = f["day"].dt.to_period("M").dt.to_timestamp()
    for model in MODELS:
        score = load_profile(references[model]).score
        for month, part in f.groupby(months)[f"{model}_prob"]:
            counts, _ = score.current_counts(pd.Series(part.to_numpy(), name=SCORE_NAME))
            psi = float(psi_from_counts(score.counts, counts))
            noise = noise_level(int(score.counts.sum()), len(part), int(occupied_bins(score.counts, counts).sum()))
            status, _ = classify(psi, noise, len(part))
            rows.append({"month": month, "model": model, "psi": psi, "noise_level": float(noise),
                         "status": str(status), "mean_prob": float(part.mean()), "n": len(part)})
    return pd.DataFrame(rows, columns=DRIFT_COLUMNS)


def _performance(f: pd.DataFrame, y: np.ndarray, min_late: int) -> pd.DataFrame:
    known = ~np.isnan(y)
    late_n, on_time_n = int((y[known] == 1).sum()), int((y[known] == 0).sum())
    insufficient = late_n < min_late or on_time_n < min_late
    rows = []
    for model in MODELS:
        p = f[f"{model}_prob"].to_numpy()
        flagged = f[f"{model}_pred"].to_numpy() == 0
        realised = {} if insufficient else _realised(p[known], flagged[known], y[known])
        estimated = _estimated(p, flagged)
        rows += [{"metric": m, "model": model, "realised": realised.get(m), "estimated": estimated.get(m),
                  "n_labelled": int(known.sum()), "insufficient": insufficient} for m in METRICS]
    return pd.DataFrame(rows)


def _realised(p: np.ndarray, flagged: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp, fp, fn = (flagged & (y == 1)).sum(), (flagged & (y == 0)).sum(), (~flagged & (y == 1)).sum()
    return {"roc_auc": float(roc_auc_score(y, p)), **_rates(tp, fp, fn), "brier": float(np.mean((p - y) ** 2))}


def _estimated(p: np.ndarray, flagged: np.ndarray) -> dict[str, float]:
    """CBPE: each loan is late with probability p (calibrated scores), so the confusion matrix is expected."""
    tp, fp, fn = p[flagged].sum(), (1 - p[flagged]).sum(), p[~flagged].sum()
    order = np.argsort(-p, kind="stable")
    tpr = np.concatenate([[0.0], np.cumsum(p[order])]) / max(p.sum(), 1e-12)
    fpr = np.concatenate([[0.0], np.cumsum(1 - p[order])]) / max((1 - p).sum(), 1e-12)
    return {"roc_auc": float(np.trapezoid(tpr, fpr)), **_rates(tp, fp, fn), "brier": float(np.mean(p * (1 - p)))}


def _rates(tp: float, fp: float, fn: float) -> dict[str, float]:
    recall = tp / (tp + fn) if tp + fn else float("nan")
    precision = tp / (tp + fp) if tp + fp else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else float("nan")
    return {"recall_0": float(recall), "precision_0": float(precision), "f1_0": float(f1)}
