"""Scoring client requests exactly once: the micro-batched ``/predict`` requests of a worker, and one
``/predict_batch`` request, each with its idempotency keys written in the same transaction as its rows.

Answers are built (as bytes, by the caller's ``render`` functions) before the transaction, because the stored
answer of a key is written together with the rows it stands for. A retry whose key is stored gets that answer
back and writes nothing; a key reused for another body is an ``IdempotencyConflict``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.services.idempotency import IdempotencyConflict, IdempotencyStore, KeyRow, KeysTaken
from app.services.log.store import DuplicateRowsError
from app.services.scoring.service import ScoredBatch, ScoringService

PREDICT_ROUTE, BATCH_ROUTE = "/predict", "/predict_batch"


@dataclass(frozen=True)
class PredictItem:
    """One ``/predict`` request: its record (a JSON object), request id, idempotency keys and body digest."""

    record: dict[str, Any]
    request_id: str
    keys: tuple[str, ...] = ()
    body_sha256: str = ""


@dataclass(frozen=True)
class Answer:
    """A response: ``status`` and JSON ``body``; ``replayed`` when it is a stored answer sent again.
    ``problems`` (with ``body`` None) is a 422 for the caller to word."""

    status: int
    body: bytes | None = None
    replayed: bool = False
    problems: list[dict[str, Any]] = field(default_factory=list)


Outcome = Answer | BaseException
RenderOne = Callable[[dict[str, Any], str], bytes]  # (result fields, request id) → /predict body
RenderBatch = Callable[[ScoredBatch], bytes]        # → /predict_batch body


class RequestScorer:
    """Idempotent scoring of requests on top of :class:`ScoringService` and :class:`IdempotencyStore`."""

    def __init__(self, scoring: ScoringService, keys: IdempotencyStore, render_one: RenderOne,
                 render_batch: RenderBatch) -> None:
        self.scoring, self.keys = scoring, keys
        self.render_one, self.render_batch = render_one, render_batch

    def score_singles(self, items: Sequence[PredictItem]) -> list[Outcome]:
        """One outcome per item, in order; the items are scored in one model call and logged in one transaction.

        A failure stays with its request: when the shared write fails, each request is retried alone. Items
        repeating a key of an earlier item are answered after it (the retry gets the first one's answer).
        """
        outcomes: list[Outcome | None] = [None] * len(items)
        seen: set[str] = set()
        first, later = [], []
        for i, item in enumerate(items):
            (later if seen.intersection(item.keys) else first).append(i)
            seen.update(item.keys)
        for group in (first, later):
            if group:
                self._round(items, group, outcomes)
        return outcomes  # type: ignore[return-value]

    def score_batch(self, records: Sequence[Any], request_id: str, keys: tuple[str, ...] = (),
                    body_sha256: str = "") -> Answer:
        """Score one ``/predict_batch`` request (422 with every row's problems when no record is valid)."""
        stored = self.keys.lookup(keys, BATCH_ROUTE, body_sha256)
        if stored is not None:
            return Answer(stored.status, stored.response, replayed=True)
        batch, write = self.scoring.prepare_records(records, source="api", request_id=request_id)
        status = 200 if len(batch.prob) else 422
        body = self.render_batch(batch)
        if status != 200:
            return Answer(status, body)  # nothing logged, nothing stored: a retry is validated again
        try:
            self.scoring.write(write, guard=self.keys.claim(
                [KeyRow(k, BATCH_ROUTE, body_sha256, status, body) for k in keys]))
        except (KeysTaken, DuplicateRowsError):
            return self._stored(keys, BATCH_ROUTE, body_sha256, request_id)
        return Answer(status, body)

    def _round(self, items: Sequence[PredictItem], group: list[int], outcomes: list[Outcome | None]) -> None:
        try:
            self._together(items, group, outcomes)
        except Exception as exc:  # the failure belongs to one request: find which
            if len(group) == 1:
                outcomes[group[0]] = exc
                return
            for i in group:
                self._round(items, [i], outcomes)

    def _together(self, items: Sequence[PredictItem], group: list[int], outcomes: list[Outcome | None]) -> None:
        batch, write = self.scoring.prepare_records([items[i].record for i in group], source="api",
                                                    request_ids=[items[i].request_id for i in group])
        fresh: dict[int, Answer] = {}
        key_rows: list[KeyRow] = []
        columns = zip(batch.positions.tolist(), batch.prob.tolist(), batch.pred.tolist(), batch.band.tolist(),
                      batch.warnings, strict=True)
        for position, prob, pred, band, warnings in columns:
            item = items[group[position]]
            body = self.render_one({"prob_default": prob, "Pago_atiempo_pred": pred, "risk_band": band,
                                    "warnings": warnings}, item.request_id)
            fresh[group[position]] = Answer(200, body)
            key_rows += [KeyRow(k, PREDICT_ROUTE, item.body_sha256, 200, body) for k in item.keys]
        try:
            if fresh:
                self.scoring.write(write, guard=self.keys.claim(key_rows) if key_rows else None)
        except KeysTaken as taken:
            lost = [i for i in group if taken.keys.intersection(items[i].keys)]
            for i in lost:
                outcomes[i] = self._outcome_of_stored(items[i])
            rest = [i for i in group if i not in lost]
            if rest:
                self._together(items, rest, outcomes)
            return
        except DuplicateRowsError:
            if len(group) > 1:
                raise  # one request's id is logged already: retried one by one
            outcomes[group[0]] = self._outcome_of_stored(items[group[0]])
            return
        for error in batch.errors:
            outcomes[group[error["index"]]] = Answer(422, problems=error["problems"])
        for i, answer in fresh.items():
            outcomes[i] = answer

    def _outcome_of_stored(self, item: PredictItem) -> Outcome:
        try:
            return self._stored(item.keys, PREDICT_ROUTE, item.body_sha256, item.request_id)
        except IdempotencyConflict as conflict:
            return conflict

    def _stored(self, keys: tuple[str, ...], route: str, body_sha256: str, request_id: str) -> Answer:
        """The stored answer after losing a key race (raises ``IdempotencyConflict`` for another body)."""
        stored = self.keys.lookup(keys, route, body_sha256)
        if stored is None:  # the rows exist but no key names them (logged before keys were stored)
            raise IdempotencyConflict(f"request-id:{request_id}", route, "this X-Request-ID already names logged "
                                      "predictions; send a new X-Request-ID (or an Idempotency-Key) per request")
        return Answer(stored.status, stored.response, replayed=True)
