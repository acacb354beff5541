"""Follow ``LATEST`` and ``CHALLENGER`` without a restart: each process checks them (two small file reads) every
``MODEL_POLL_SECONDS`` in a background thread. A changed champion is loaded and built there — off the request
path — and then swapped in as one reference (:class:`ActiveModel`); a changed challenger replaces the shadow
scorer's bundle. A bundle that fails to load is logged and retried after ``RETRY_SECONDS``; the process keeps
serving what it had. Every host reading the same ``MODELS_DIR`` switches within one poll interval.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.observability.metrics import MODEL_INFO
from app.services.models.active import ActiveModel, ServingModel
from app.services.models.registry import ModelRegistry
from modeling.artifacts import BundleNotFoundError, load_bundle

if TYPE_CHECKING:
    from app.services.shadow.scorer import ShadowScorer
    from modeling.artifacts import Bundle

logger = logging.getLogger(__name__)
RETRY_SECONDS = 30.0


class ModelWatcher:
    """Polls the registry's pointers and switches this process's champion and challenger."""

    def __init__(self, registry: ModelRegistry, active: ActiveModel, build: Callable[[Bundle], ServingModel],
                 shadow: ShadowScorer | None, poll_seconds: float = 1.0) -> None:
        self.registry, self.active, self.build, self.shadow = registry, active, build, shadow
        self.poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._failed: dict[str, float] = {}  # version → when it last failed to load
        self.switches = 0

    def start(self) -> None:
        """Start the polling thread (no-op when ``poll_seconds`` is 0). It holds the watcher weakly and ends
        when the app that owns the watcher is gone."""
        if self.poll_seconds <= 0:
            return
        ref = weakref.ref(self)
        interval = self.poll_seconds

        def loop() -> None:
            while True:
                time.sleep(interval)
                watcher = ref()
                if watcher is None:
                    return
                watcher.check()
                del watcher

        threading.Thread(target=loop, name="model-watcher", daemon=True).start()

    def check(self) -> None:
        """One poll: switch the champion and the challenger to what the pointers name, if they differ."""
        with self._lock:
            try:
                self._follow_latest()
                self._follow_challenger()
            except Exception:  # a poll must never kill the thread; the next one retries
                logger.exception("model watcher: poll failed")

    def _follow_latest(self) -> None:
        wanted = self.registry.latest()
        served = self.active.current.version
        if wanted is None or wanted == served or not self._may_try(wanted):
            return
        bundle = self._load(wanted)
        if bundle is None:
            return
        model = self.build(bundle)
        warm_up(model)
        self.active.swap(model)
        self.switches += 1
        MODEL_INFO.labels(model_version=served).set(0)
        MODEL_INFO.labels(model_version=wanted).set(1)
        logger.info("now serving model %s (was %s)", wanted, served,
                    extra={"event": "model_switched", "from_version": served, "to_version": wanted})

    def _follow_challenger(self) -> None:
        if self.shadow is None:
            return
        wanted = self.registry.challenger()
        if wanted == self.active.current.version:
            wanted = None  # the challenger was promoted: it is the champion now
        if wanted == self.shadow.version or (wanted is not None and not self._may_try(wanted)):
            return
        bundle = self._load(wanted) if wanted is not None else None
        if wanted is not None and bundle is None:
            return
        self.shadow.challenger = bundle
        logger.info("challenger model: %s", wanted or "none", extra={"event": "challenger_switched",
                                                                   "to_version": wanted})

    def _may_try(self, version: str) -> bool:
        failed = self._failed.get(version)
        return failed is None or time.monotonic() - failed >= RETRY_SECONDS

    def _load(self, version: str) -> Bundle | None:
        try:
            bundle = load_bundle(Path(self.registry.models_dir), version)
        except BundleNotFoundError:
            logger.exception("model %s cannot be loaded; still serving %s", version, self.active.current.version)
            self._failed[version] = time.monotonic()
            return None
        self._failed.pop(version, None)
        return bundle


def warm_up(model: ServingModel) -> None:
    """Score two held-out rows without logging them, so the first request does not pay for the pipeline's
    first-use compilation."""
    from modeling.data.columns import TARGET

    frame = model.bundle.load_frame("holdout").head(2)
    model.scoring.prepare(frame.drop(columns=[TARGET], errors="ignore"), source="api")
