"""What drift needs of a :class:`~app.services.profiles.ProfileSet`: every drift variable's bin counts and
out-of-range counts per group, read in one pass over the contiguous ``var:``/``oor:`` cell range, and the
model versions that have profiles."""
from __future__ import annotations

import numpy as np

from app.services.profiles import Grouping, ProfileSet

GroupCounts = dict[str, tuple[np.ndarray, np.ndarray | None]]


def variable_counts(profiles: ProfileSet, grouping: Grouping) -> GroupCounts:
    """Per drift variable of the layout (the score included): (groups × bins) counts and, for numeric
    variables, out-of-range counts per group (``None`` for categorical ones)."""
    variables = profiles.layout.drift_variables
    if not variables:
        return {}
    blocks = profiles.layout.blocks
    spanned = [name for v in variables for name in (f"var:{v.name}", f"oor:{v.name}") if name in blocks]
    counts = profiles.counts(grouping, spanned[0], spanned[-1])
    found: GroupCounts = {}
    for variable in variables:
        outside = f"oor:{variable.name}"
        found[variable.name] = (profiles.block(counts, spanned[0], f"var:{variable.name}"),
                                profiles.block(counts, spanned[0], outside)[:, 0] if outside in blocks else None)
    return found


def total_counts(profiles: ProfileSet, grouping: Grouping) -> dict[str, tuple[np.ndarray, int | None]]:
    """:func:`variable_counts` of a one-group grouping, as one sample's counts."""
    return {name: (bins[0], None if outside is None else int(outside[0]))
            for name, (bins, outside) in variable_counts(profiles, grouping).items()}
