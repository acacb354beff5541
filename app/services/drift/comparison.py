"""Current vs reference for the main numeric variables, from the frozen bins: the Gráficas tab's *Comparación con
Datos de Referencia*.

The original monitor drew the mean of eight numeric columns, reference beside current. Profiles keep each
variable's counts in its frozen reference-decile bins, not its values, and the outer bins are open-ended, so a
mean cannot be bounded from them; a median can: it is located within its bin (see
:mod:`modeling.drift.medians`), estimated by interpolation, with a guaranteed interval. Both sides are
computed the same way, the reference from its stored counts. Each row also carries the variable's PSI status
from the same selection, so a visible shift is read together with whether it is beyond noise.
"""
from __future__ import annotations

from dataclasses import dataclass

from modeling.data.schema import RAW_COLUMNS
from modeling.drift import DriftReport, FrozenProfile
from modeling.drift.medians import BinnedMedian, binned_median

ORIGINAL_VARIABLES: tuple[str, ...] = (  # the original's "first 8 numeric columns", in its order
    "capital_prestado", "plazo_meses", "edad_cliente", "salario_cliente", "total_otros_prestamos", "cuota_pactada",
    "puntaje_datacredito", "cant_creditosvigentes")
INTEGER_VARIABLES = frozenset(spec.name for spec in RAW_COLUMNS if spec.kind == "integer")


@dataclass(frozen=True)
class MedianComparison:
    """One variable: reference and current medians (current None: no non-missing value), the relative change of
    the estimates (NaN when the reference median is 0) and the variable's drift status and PSI."""

    variable: str
    reference: BinnedMedian
    current: BinnedMedian | None
    change: float
    status: str
    alert: bool
    psi: float | None


def compared_variables(profile: FrozenProfile, exclude: frozenset[str], derived: tuple[str, ...]) -> list[str]:
    """The original's eight variables present as numeric in the profile; failing those, the first eight numeric
    input variables of the profile."""
    numeric = [name for name, v in profile.variables.items()
               if v.kind == "numeric" and name not in exclude and name not in derived]
    chosen = [name for name in ORIGINAL_VARIABLES if name in numeric]
    return chosen or numeric[:len(ORIGINAL_VARIABLES)]


def median_comparison(profile: FrozenProfile, counts: dict[str, tuple], report: DriftReport,
                      names: list[str]) -> list[MedianComparison]:
    """Per name: medians from the reference counts and from the current ``counts`` (bins, out-of-range count)
    of the same selection as ``report``."""
    found = []
    for name in names:
        variable = profile.variables[name]
        integral = name in INTEGER_VARIABLES
        reference = binned_median(variable, variable.counts, 0, integral=integral)
        if reference is None:
            continue
        bins, outside = counts[name]
        current = binned_median(variable, bins, outside, integral=integral)
        result = report.get(name)
        change = float("nan")
        if current is not None and reference.estimate != 0:
            change = (current.estimate - reference.estimate) / abs(reference.estimate)
        found.append(MedianComparison(name, reference, current, change, result.status, result.alert, result.psi))
    return found
