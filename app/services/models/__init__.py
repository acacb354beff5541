"""Model versions while serving: the active champion (switchable without a restart), the challenger scoring in
shadow, promotion and rollback (:mod:`registry`), the per-process watcher that follows them (:mod:`watcher`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.services.models.active import ActiveModel, Follows, ServingModel
from app.services.models.registry import ModelRegistry, PromotionError, Switch
from app.services.models.watcher import ModelWatcher

if TYPE_CHECKING:
    from app.services.shadow.scorer import ShadowScorer

__all__ = ["ActiveModel", "Follows", "ModelControl", "ModelRegistry", "ModelWatcher", "PromotionError",
           "ServingModel", "Switch"]


@dataclass(frozen=True)
class ModelControl:
    """What the routes, the CLI and the dashboard use to see and switch model versions."""

    registry: ModelRegistry
    active: ActiveModel
    watcher: ModelWatcher
    shadow: ShadowScorer

    def status(self) -> dict[str, object]:
        """Versions as this process sees them and as the pointers name them."""
        return {"served": self.active.current.version, "latest": self.registry.latest(),
                "challenger": self.registry.challenger(), "shadowing": self.shadow.version,
                "previous": self.registry.previous(), "versions": self.registry.versions()}

    def promote(self, version: str, actor: str) -> Switch:
        """Point ``LATEST`` at ``version`` and switch this process at once (the others within a poll)."""
        switch = self.registry.promote(version, actor)
        self.watcher.check()
        return switch

    def set_challenger(self, version: str | None, actor: str) -> Switch:
        """Start (or with None stop) shadow scoring by ``version`` on every host; this process at once."""
        switch = self.registry.set_challenger(version, actor)
        self.watcher.check()
        return switch
