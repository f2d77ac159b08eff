"""A bounded, thread-safe, in-process cache of metric query results.

Keyed by (SQL text, bound parameters, data version, viewer scope) and by the database object the result came
from, so:
- a refreshed extract folder (a new `Database` with a new data version) never meets an old result: invalidation
  is automatic and nothing has to be cleared;
- two viewers with different scopes never share an entry;
- in-memory databases built by tests (no data folder, so no data version) are never cached.

Metric results go through it (`run_metric_query`, `run_compiled`), and so do the pages' own aggregate
queries (`run_named_cached`); drill lists, which page through detail rows, do not.  Bounded by entry count
and by the estimated size of the cached frames (least recently used entries go first; a single frame larger
than `max_entry_bytes` is not kept).

It is the one piece of state shared between requests in a process (`QUERY_CACHE`), guarded by a lock; the
query itself runs outside the lock, so two threads missing the same key both run it and the second result
wins.  Under gunicorn every worker process has its own cache: nothing is shared between workers, and a
worker's memory stays bounded by `max_bytes`.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clientscope.db import DEFAULT_ROW_CAP, FULL_SCOPE, Database, QueryResult, ViewerScope, query_sql, run_named

if TYPE_CHECKING:  # the semantic layer imports this module
    from clientscope.semantic.filtering import ViewFilters

DEFAULT_MAX_ENTRIES = 512
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # per worker process
DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    entries: int
    bytes: int


@dataclass(frozen=True)
class _Entry:
    db: weakref.ReferenceType[Database]  # the database the result came from (an id alone could be reused)
    result: QueryResult
    size: int


class _Unhashable(Exception):
    """A parameter value the cache cannot key on: such queries are simply not cached."""


def _freeze(value: Any) -> Hashable:
    """A hashable stand-in for a parameter value that keeps its type (1, 1.0 and True bind differently)."""
    if isinstance(value, list | tuple):
        return ("seq", tuple(_freeze(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((_freeze(v) for v in value), key=repr)))
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    try:
        hash(value)
    except TypeError as exc:
        raise _Unhashable from exc
    return (type(value).__name__, value)


def cache_key(
    db: Database, sql: str, params: Mapping[str, Any], scope: ViewerScope, filters: Hashable = None
) -> Hashable | None:
    """The key of a query's result, or None when it must not be cached (no data version, unhashable values)."""
    if db.data_dir is None:
        return None
    try:
        frozen = tuple(sorted((name, _freeze(value)) for name, value in params.items()))
    except _Unhashable:
        return None
    return (id(db), db.version, scope, filters, sql, frozen)


class QueryCache:
    """Least-recently-used results, bounded by count and by the estimated bytes of their frames."""

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0

    def fetch(
        self,
        db: Database,
        sql: str,
        params: Mapping[str, Any],
        scope: ViewerScope,
        run: Callable[[], QueryResult],
        filters: Hashable = None,
    ) -> QueryResult:
        """The cached result of the query, or `run()`'s result (then kept). Errors are never cached."""
        started = time.perf_counter()
        key = cache_key(db, sql, params, scope, filters)
        if key is None:
            return run()
        found = self._get(key, db)
        if found is not None:
            elapsed = (time.perf_counter() - started) * 1000
            return QueryResult(found.frame.clone(), found.truncated, elapsed)  # a clone: callers cannot alter it
        result = run()
        self._put(key, db, result)
        return result

    def _get(self, key: Hashable, db: Database) -> QueryResult | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.db() is not db:  # another database now has that id
                self._drop(key)
                entry = None
            if entry is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return entry.result

    def _put(self, key: Hashable, db: Database, result: QueryResult) -> None:
        size = int(result.frame.estimated_size())
        if size > self.max_entry_bytes or self.max_entries <= 0:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            kept = QueryResult(result.frame.clone(), result.truncated, result.elapsed_ms)  # the caller keeps its own
            self._entries[key] = _Entry(weakref.ref(db), kept, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)


QUERY_CACHE = QueryCache()  # the process's cache (one per gunicorn worker); see the module docstring


def run_named_cached(
    db: Database,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    scope: ViewerScope = FULL_SCOPE,
    filters: ViewFilters | None = None,
    cache: QueryCache = QUERY_CACHE,
    row_cap: int = DEFAULT_ROW_CAP,
) -> QueryResult:
    """`run_named` for a page's aggregate query (small answers, asked again on every filter change), cached.

    `row_cap` (part of the key) raises the cap for a caller that pages a long list out of one cached frame."""
    bound = dict(params or {})

    def run() -> QueryResult:
        return run_named(db, name, bound, scope=scope, filters=filters, row_cap=row_cap)

    key_filters = filters if row_cap == DEFAULT_ROW_CAP else (filters, row_cap)
    return cache.fetch(db, query_sql(name), bound, scope, run, key_filters)
