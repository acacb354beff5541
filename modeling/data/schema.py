"""The one declared schema of the raw loan dataset and the checks derived from it.

Training, the JSON API and batch uploads all validate against ``RAW_COLUMNS``.
A *valid range* is a hard limit (outside → error); a *plausible range* only
warns at serving time and is used by training's fixed row-filtering rules.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from modeling.data.columns import DATE_COLUMN, TARGET

Kind = Literal["code", "integer", "numeric", "category", "datetime", "target"]
Role = Literal["feature", "leakage", "target"]
Bound = tuple[float | None, float | None]
TEXT_MAX_LENGTH = 64  # characters; longer text values are refused


@dataclass(frozen=True)
class ColumnSpec:
    """Declared facts about one raw column."""

    name: str
    kind: Kind
    role: Role = "feature"
    nullable: bool = False
    valid_range: Bound = (None, None)
    plausible_range: Bound = (None, None)
    categories: tuple[Any, ...] = ()
    description: str = ""
    example: Any = None
    max_length: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (tuples become lists)."""
        data = asdict(self)
        data["valid_range"] = list(self.valid_range)
        data["plausible_range"] = list(self.plausible_range)
        data["categories"] = list(self.categories)
        return data


@dataclass(frozen=True)
class Problem:
    """One validation problem: which field, which row, what was found and what was expected."""

    field: str
    message: str
    row: int | None = None
    value: Any = None
    expected: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form, omitting empty keys."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        details = []
        if self.value is not None:
            details.append(f"found {self.value!r}")
        if self.expected:
            details.append(f"expected {self.expected}")
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{where}{self.field}: {self.message}{suffix}"


class SchemaError(ValueError):
    """Raised with the complete list of problems found in an input."""

    def __init__(self, problems: list[Problem], summary: str = "invalid input") -> None:
        self.problems = list(problems)
        self.summary = summary
        lines = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{summary}: {len(self.problems)} problem(s)\n{lines}{more}")


_INT_COUNT = {"kind": "integer", "valid_range": (0, None)}

RAW_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("tipo_credito", "code", categories=(4, 6, 7, 9, 10, 68), valid_range=(0, None),
               description="Credit product code (categorical integer)", example=4),
    ColumnSpec(DATE_COLUMN, "datetime", description="Loan origination date and time",
               example="2025-03-14T10:30:00"),
    ColumnSpec("capital_prestado", "numeric", valid_range=(0, None), plausible_range=(50_000, 500_000_000),
               description="Loan principal (COP)", example=1_920_000.0),
    ColumnSpec("plazo_meses", "integer", valid_range=(1, None), plausible_range=(1, 60),
               description="Term in months", example=12),
    ColumnSpec("edad_cliente", "integer", valid_range=(0, None), plausible_range=(18, 90),
               description="Client age in years", example=42),
    ColumnSpec("tipo_laboral", "category", categories=("Empleado", "Independiente"),
               max_length=TEXT_MAX_LENGTH, description="Employment type", example="Empleado"),
    ColumnSpec("salario_cliente", "numeric", valid_range=(0, None), plausible_range=(1, 200_000_000),
               description="Monthly salary (COP)", example=3_000_000),
    ColumnSpec("total_otros_prestamos", "numeric", valid_range=(0, None),
               plausible_range=(0, 500_000_000), description="Total of other loans (COP)",
               example=1_000_000),
    ColumnSpec("cuota_pactada", "numeric", valid_range=(0, None), plausible_range=(1, 50_000_000),
               description="Agreed instalment (COP)", example=182_863),
    ColumnSpec("puntaje", "numeric", role="leakage", nullable=True,
               description="Internal score computed after the outcome (leakage; ignored)"),
    ColumnSpec("puntaje_datacredito", "numeric", nullable=True, valid_range=(-1000, 1000),
               plausible_range=(0, 999), description="Datacrédito bureau score", example=791.0),
    ColumnSpec("cant_creditosvigentes", description="Number of active credits", example=5, **_INT_COUNT),
    ColumnSpec("huella_consulta", description="Number of recent bureau look-ups", example=4, **_INT_COUNT),
    ColumnSpec("saldo_mora", "numeric", role="leakage", nullable=True,
               description="Overdue balance after origination (leakage; ignored)"),
    ColumnSpec("saldo_total", "numeric", role="leakage", nullable=True,
               description="Total balance after origination (leakage; ignored)"),
    ColumnSpec("saldo_principal", "numeric", role="leakage", nullable=True,
               description="Principal balance after origination (leakage; ignored)"),
    ColumnSpec("saldo_mora_codeudor", "numeric", role="leakage", nullable=True,
               description="Co-debtor overdue balance (leakage; ignored)"),
    ColumnSpec("creditos_sectorFinanciero", description="Credits with the financial sector",
               example=2, **_INT_COUNT),
    ColumnSpec("creditos_sectorCooperativo", description="Credits with cooperatives", example=0,
               **_INT_COUNT),
    ColumnSpec("creditos_sectorReal", description="Credits with the real sector", example=1,
               **_INT_COUNT),
    ColumnSpec("promedio_ingresos_datacredito", "numeric", nullable=True, valid_range=(0, None),
               plausible_range=(0, 200_000_000), description="Average income per Datacrédito (COP)",
               example=1_204_496.0),
    ColumnSpec("tendencia_ingresos", "category", nullable=True,
               categories=("Creciente", "Decreciente", "Estable"), max_length=TEXT_MAX_LENGTH,
               description="Income trend; anything else is treated as Sin_informacion",
               example="Creciente"),
    ColumnSpec(TARGET, "target", role="target", categories=(0, 1),
               description="1 = paid on time, 0 = late payment (the risk class)"),
)

COLUMNS_BY_NAME: dict[str, ColumnSpec] = {spec.name: spec for spec in RAW_COLUMNS}
FEATURE_COLUMNS: tuple[str, ...] = tuple(s.name for s in RAW_COLUMNS if s.role == "feature")
LEAKAGE_SPEC_COLUMNS: tuple[str, ...] = tuple(s.name for s in RAW_COLUMNS if s.role == "leakage")


def specs_for(roles: tuple[Role, ...]) -> tuple[ColumnSpec, ...]:
    """The specs whose role is one of ``roles``, in file order."""
    return tuple(s for s in RAW_COLUMNS if s.role in roles)


@dataclass
class CoercedFrame:
    """A frame converted to the schema's dtypes plus every problem found on the way."""

    frame: Any
    problems: list[Problem] = field(default_factory=list)

    @property
    def bad_rows(self) -> set[int]:
        """Row labels that carry at least one problem."""
        return {p.row for p in self.problems if p.row is not None}


def schema_document(train_frame: Any) -> dict[str, Any]:
    """The schema as stored in a bundle: every spec plus what the training period looked like.

    ``train_frame`` is the coerced training-period frame. For numeric kinds the
    entry gets ``training: {min, max, missing_share}``; for categorical kinds
    ``training: {categories, missing_share}`` (categories sorted, as strings for text).
    """
    columns = []
    for spec in RAW_COLUMNS:
        entry = spec.to_dict()
        if spec.name in train_frame.columns and spec.role == "feature":
            series = train_frame[spec.name]
            training: dict[str, Any] = {"missing_share": float(series.isna().mean())}
            if spec.kind in ("code", "category"):
                values = series.dropna().unique().tolist()
                training["categories"] = sorted(int(v) for v in values) if spec.kind == "code" else sorted(
                    str(v) for v in values)
            elif spec.kind == "datetime":
                training["min"], training["max"] = str(series.min()), str(series.max())
            else:
                training["min"], training["max"] = float(series.min()), float(series.max())
            entry["training"] = training
        columns.append(entry)
    return {"columns": columns, "target": TARGET, "date_column": DATE_COLUMN}
