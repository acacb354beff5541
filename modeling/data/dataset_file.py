"""Where training finds the real dataset when no ``--data`` is given: ``Base_de_datos.xlsx`` where the original
project kept it (the project root, or ``data/``); without it, the built-in synthetic dataset."""
from __future__ import annotations

from pathlib import Path

from modeling.paths import PROJECT_ROOT
from modeling.synthetic import DEFAULT_SEED

DATASET_FILE_NAME = "Base_de_datos.xlsx"


def dataset_locations(root: Path = PROJECT_ROOT) -> tuple[Path, ...]:
    """The places looked at, in order: ``<root>/Base_de_datos.xlsx``, then ``<root>/data/Base_de_datos.xlsx``."""
    return (root / DATASET_FILE_NAME, root / "data" / DATASET_FILE_NAME)


def find_dataset(root: Path = PROJECT_ROOT) -> Path | None:
    """The first of :func:`dataset_locations` that is a file, or None."""
    return next((path for path in dataset_locations(root) if path.is_file()), None)


def choose_training_data(explicit: Path | None, root: Path = PROJECT_ROOT) -> tuple[Path | None, str]:
    """The file to train on (None = the built-in synthetic dataset) and one line saying which and why."""
    if explicit is not None:
        return explicit, f"Training data: {explicit} (from --data)"
    found = find_dataset(root)
    if found is not None:
        return found, (f"Training data: {found} — found {DATASET_FILE_NAME} at the project root or in data/; "
                       "--data PATH trains on another file")
    looked = " or ".join(str(path) for path in dataset_locations(root))
    return None, (f"Training data: the built-in synthetic dataset (seed {DEFAULT_SEED}) — no {DATASET_FILE_NAME} "
                  f"at {looked}")
