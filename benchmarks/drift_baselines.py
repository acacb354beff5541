"""Competitor drift libraries (Evidently, NannyML, popmon) timed on the drift benchmark's data.

Optional benchmark baselines: each library is used only when it imports; none is a project dependency.
See the baselines note in ``bench_drift.py`` for the virtualenvs and versions. What is timed:

- Evidently: ``psi_stat_test`` on each column (the bare function, missing values dropped first as Evidently's
  drift metrics do); a report with ``DataDriftPreset`` and PSI on every column (results dict); the default
  ``DataDriftPreset`` (its automatic test choice: Wasserstein / Jensen-Shannon here) computed and rendered to
  HTML. The new API (``Report([DataDriftPreset(method="psi")])`` on ``Dataset``s) when installed (≥ 0.7), else
  the legacy one.
- NannyML (no PSI): ``UnivariateDriftCalculator`` with its default Jensen-Shannon method, one chunk for the whole
  current data (``chunk_number=1``); fit + calculate, and calculate alone with the calculator fitted once.
  Text columns are given as text (NannyML sorts categories, and the trend column mixes strings and integers).
- popmon: ``df_stability_metrics`` with the reference as external histograms, one time slot and 30-day slots over
  the current data's 24 months; ``df_stability_report`` rendered to HTML with 30-day slots.

Every call runs the library as a user would, reference processing (binning, fitting, histograms) included, so
it compares with our profile build + drift computation; only ``fits_reference=False`` (NannyML fitted once)
compares with our drift computation on a frozen profile.
"""
from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

# No usage telemetry from the libraries (the machine has no network besides package registries anyway).
os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("TQDM_DISABLE", "1")  # popmon's per-feature progress bars

SINGLE = "single"  # comparable with our build_reference_profile + drift_report
MONTHLY = "monthly"  # comparable with our build_reference_profile + psi_evolution (24 monthly windows)
# Which library each figure quoted in issue 4 belongs to.
QUOTED_LIBRARY = {"Evidently PSI test": "evidently", "Evidently whole drift report": "evidently",
                  "NannyML univariate drift": "nannyml", "popmon": "popmon"}


@dataclass(frozen=True)
class BenchData:
    """Reference and current rows shared by our code and the baselines."""

    reference: pd.DataFrame
    current: pd.DataFrame
    current_dates: np.ndarray  # datetime64[ns], one per current row, spanning 24 months
    numeric: list[str]
    categorical: list[str]


@dataclass(frozen=True)
class Baseline:
    """One timed call of a competitor library."""

    label: str  # library, version and what is timed
    run: Callable[[], object]
    setting: str  # SINGLE or MONTHLY
    repeats: int  # timed calls after one warm-up call
    fits_reference: bool = True  # False: the reference was processed once, outside the timed call


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with every non-missing value as text (NannyML sorts categories; int vs str fails)."""
    out = frame.copy()
    for name in out.select_dtypes(include="object").columns:
        out[name] = out[name].where(out[name].isna(), out[name].astype(str))
    return out


def _evidently(data: BenchData) -> list[Baseline]:
    import evidently

    name = f"Evidently {evidently.__version__}"
    try:  # 0.7+: new API, the 0.4 one lives on under evidently.legacy
        from evidently import DataDefinition, Dataset, Report
        from evidently.legacy.calculations.stattests import psi_stat_test
        from evidently.legacy.core import ColumnType
        from evidently.presets import DataDriftPreset

        definition = DataDefinition(numerical_columns=data.numeric, categorical_columns=data.categorical)

        def run_report(html: bool, **preset) -> object:
            current = Dataset.from_pandas(data.current, data_definition=definition)
            reference = Dataset.from_pandas(data.reference, data_definition=definition)
            result = Report([DataDriftPreset(**preset)]).run(current, reference)
            return result.get_html_str(as_iframe=False) if html else result.dict()

        psi_preset = {"method": "psi"}
        api = "Report([DataDriftPreset(method='psi')])"
    except ImportError:  # 0.4 - 0.6: legacy API only
        from evidently import ColumnMapping
        from evidently.calculations.stattests import psi_stat_test
        from evidently.core import ColumnType
        from evidently.metric_preset import DataDriftPreset
        from evidently.report import Report

        mapping = ColumnMapping(numerical_features=data.numeric, categorical_features=data.categorical,
                                target=None, prediction=None)

        def run_report(html: bool, **preset) -> object:
            report = Report(metrics=[DataDriftPreset(**preset)])
            report.run(reference_data=data.reference, current_data=data.current, column_mapping=mapping)
            return report.get_html() if html else report.as_dict()

        psi_preset = {"stattest": "psi"}
        api = "Report([DataDriftPreset(stattest='psi')])"

    def psi_each_column() -> list[object]:  # NaN dropped first, as Evidently's drift metrics do
        return [psi_stat_test(data.reference[c].dropna(), data.current[c].dropna(),
                              ColumnType.Numerical if c in data.numeric else ColumnType.Categorical, None)
                for c in data.numeric + data.categorical]

    return [Baseline(f"{name}: psi_stat_test on each column (bare function)", psi_each_column, SINGLE, 3),
            Baseline(f"{name}: {api}, results dict", lambda: run_report(False, **psi_preset), SINGLE, 2),
            Baseline(f"{name}: default DataDriftPreset, computed + HTML", lambda: run_report(True),
                     SINGLE, 1)]


def _nannyml(data: BenchData) -> list[Baseline]:
    import nannyml

    reference, current = _as_text(data.reference), _as_text(data.current)
    columns = data.numeric + data.categorical

    def fitted() -> nannyml.UnivariateDriftCalculator:  # default methods: Jensen-Shannon, numeric and categorical
        calculator = nannyml.UnivariateDriftCalculator(column_names=columns, treat_as_numerical=data.numeric,
                                                       treat_as_categorical=data.categorical, chunk_number=1)
        return calculator.fit(reference)

    once = fitted()
    name = f"NannyML {nannyml.__version__}: UnivariateDriftCalculator"
    return [Baseline(f"{name} fit + calculate, 1 chunk", lambda: fitted().calculate(current).to_df(),
                     SINGLE, 3),
            Baseline(f"{name} calculate only (fitted once), 1 chunk",
                     lambda: once.calculate(current).to_df(), SINGLE, 3, fits_reference=False)]


def _popmon(data: BenchData) -> list[Baseline]:
    import popmon

    logging.getLogger().setLevel(logging.WARNING)  # popmon sets the root logger to INFO on import
    reference = data.reference.assign(date=np.datetime64("2023-06-15", "ns"))
    one_slot = data.current.assign(date=np.datetime64("2024-06-15", "ns"))
    monthly = data.current.assign(date=data.current_dates)

    def metrics(current: pd.DataFrame) -> object:
        # Reference histograms made first: df_stability_metrics passes a reference frame on unconverted (1.4.12).
        reference_hists = popmon.make_histograms(reference, time_axis="date", time_width="30d")
        return popmon.df_stability_metrics(current, time_axis="date", reference_type="external",
                                           reference=reference_hists)

    def report_html() -> str:
        report = popmon.df_stability_report(monthly, time_axis="date", time_width="30d", reference_type="external",
                                            reference=reference)
        return report.to_html()

    name = f"popmon {popmon.__version__}"
    return [Baseline(f"{name}: df_stability_metrics, one time slot", lambda: metrics(one_slot), SINGLE, 2),
            Baseline(f"{name}: df_stability_metrics, 30-day slots", lambda: metrics(monthly), MONTHLY, 1),
            Baseline(f"{name}: df_stability_report + HTML, 30-day slots", report_html, MONTHLY, 1)]


def available_baselines(data: BenchData) -> tuple[list[Baseline], dict[str, str]]:
    """Baselines of every library that imports and sets up, and why each other library is left out."""
    found: list[Baseline] = []
    missing: dict[str, str] = {}
    warnings.filterwarnings("ignore")  # the libraries' deprecation chatter would bury the figures
    for library, make in (("evidently", _evidently), ("nannyml", _nannyml), ("popmon", _popmon)):
        try:
            found.extend(make(data))
        except ImportError as error:
            missing[library] = f"not importable ({error})"
        except Exception as error:  # a library that imports but cannot be set up must not stop the benchmark
            missing[library] = f"setup failed ({type(error).__name__}: {str(error)[:120]})"
    return found, missing
