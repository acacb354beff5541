"""The model a process serves, switchable while it serves: one reference to an immutable :class:`ServingModel`.

Every part that depends on the bundle (scoring, drift, performance, log views) is built for one bundle and
grouped in a ``ServingModel``. :class:`ActiveModel` holds the current one; a switch replaces that one reference
(atomic in Python), after the new model was loaded and built off the request path.

A request *pins* the model it started with (:meth:`ActiveModel.pin`, called when the request begins, cleared
when it ends), so every part it touches belongs to the same bundle — a request in flight during a switch
finishes on the old model; the next one gets the new. :class:`Follows` is what the routes and the dashboard hold
instead of a part: each attribute read goes to the part of the pinned model (the current one outside a request).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.drift import DriftService
    from app.services.log import LogService
    from app.services.performance import PerformanceService
    from app.services.scoring import ScoringService
    from modeling.artifacts import Bundle

PARTS = ("bundle", "scoring", "drift", "performance", "logs")


@dataclass(frozen=True)
class ServingModel:
    """Everything built for one bundle."""

    bundle: Bundle
    scoring: ScoringService
    drift: DriftService
    performance: PerformanceService
    logs: LogService

    @property
    def version(self) -> str:
        return self.bundle.model_version


class ActiveModel:
    """The served :class:`ServingModel` of this process, and the one each request thread pinned."""

    def __init__(self, model: ServingModel) -> None:
        self._model = model
        self._local = threading.local()

    @property
    def current(self) -> ServingModel:
        """The model new requests get."""
        return self._model

    def swap(self, model: ServingModel) -> ServingModel:
        """Serve ``model`` from now on; return the one it replaces (requests that pinned it keep it)."""
        previous, self._model = self._model, model
        return previous

    def pin(self) -> None:
        """Fix the current model for the calling thread (a request begins)."""
        self._local.model = self._model

    def unpin(self) -> None:
        """Release the calling thread's model (its request ended)."""
        self._local.model = None

    def pinned(self) -> ServingModel:
        """The calling thread's pinned model, else the current one."""
        return getattr(self._local, "model", None) or self._model


class Follows:
    """Stands for one part (``"scoring"``, ``"bundle"`` …) of whichever model the calling thread uses."""

    __slots__ = ("_active", "_part")

    def __init__(self, active: ActiveModel, part: str) -> None:
        if part not in PARTS:
            raise ValueError(f"part must be one of {PARTS}, got {part!r}")
        object.__setattr__(self, "_active", active)
        object.__setattr__(self, "_part", part)

    def __getattr__(self, name: str) -> Any:
        return getattr(getattr(self._active.pinned(), self._part), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._part} of the served model is read-only here")

    def __repr__(self) -> str:
        return f"Follows({self._part} of {self._active.pinned().version})"
