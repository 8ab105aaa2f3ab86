"""Choose an engine, or a chain of engines through pivot languages, for a language pair."""
from __future__ import annotations

import heapq
import logging
import threading
from dataclasses import dataclass
from typing import NamedTuple, cast

from .base import Engine, EngineError, Pair

log = logging.getLogger(__name__)

DEFAULT_ENGINE_ORDER = ("apertium", "argos")


class NoRouteError(EngineError):
    """No installed pair, nor chain of pairs, leads from the source to the target."""


class Hop(NamedTuple):
    """One direct translation step of a route."""

    source: str
    target: str
    engine: str
    detail: str

    @property
    def label(self) -> str:
        """Return the step as shown in a chain, e.g. "apertium:cat-spa"."""
        return f"{self.engine}:{self.detail}"


@dataclass(frozen=True)
class Route:
    """The steps that translate `source` into `target`, in order."""

    source: str
    target: str
    hops: tuple[Hop, ...]

    @property
    def chain(self) -> str:
        """Return the steps as one string to store with a translation."""
        return ">".join(hop.label for hop in self.hops)

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the languages the text passes through, source and target included."""
        return (self.source, *(hop.target for hop in self.hops))


class Router:
    """Route language pairs over the direct pairs of the available engines."""

    def __init__(self, engines: list[Engine],
                 engine_order: list[str] | tuple[str, ...] = DEFAULT_ENGINE_ORDER,
                 pair_engines: dict[str, list[str]] | None = None,
                 max_hops: int = 3, pivots: list[str] | None = None):
        self.engines = list(engines)
        self._by_name = {engine.name: engine for engine in self.engines}
        if len(self._by_name) != len(self.engines):
            raise ValueError("engine names must be unique")
        self.engine_order = list(engine_order)
        self.pair_engines = {key: list(names) for key, names in (pair_engines or {}).items()}
        self.max_hops = max_hops
        # None or empty: any language may be a pivot (as MT_PIVOTS = [] means in the
        # config); max_hops=1 is the way to forbid pivots altogether.
        self.pivots = frozenset(pivots) if pivots else None
        self._lock = threading.Lock()
        self._pairs: list[Pair] | None = None
        self._graph: dict[str, dict[str, Hop]] | None = None

    # --- the graph ---------------------------------------------------------------------

    def pairs(self) -> list[Pair]:
        """List every direct pair the available engines offer."""
        self._ensure_graph()
        # Set by `_ensure_graph` (only a concurrent `refresh` could have cleared it since).
        return list(cast(list[Pair], self._pairs))

    def graph(self) -> dict[str, dict[str, Hop]]:
        """Return the usable direct steps: source -> target -> the preferred engine's hop."""
        return {source: dict(edges) for source, edges in self._ensure_graph().items()}

    def refresh(self) -> None:
        """Re-read the engines' pairs, e.g. after a model was installed or removed."""
        for engine in self.engines:
            refresh = getattr(engine, "refresh", None)
            if callable(refresh):
                refresh()
        with self._lock:
            self._pairs = self._graph = None

    def engines_for(self, source: str, target: str) -> list[str]:
        """Return the engines allowed for a direct pair, most preferred first."""
        return self.pair_engines.get(f"{source}-{target}", self.engine_order)

    def _ensure_graph(self) -> dict[str, dict[str, Hop]]:
        """Build the graph of direct steps once, and after each refresh."""
        with self._lock:
            if self._graph is None:
                self._pairs = self._collect_pairs()
                self._graph = self._build_graph(self._pairs)
            return self._graph

    def _collect_pairs(self) -> list[Pair]:
        """Gather the pairs of every available engine; a failing engine offers none."""
        pairs: list[Pair] = []
        for name, engine in sorted(self._by_name.items()):
            try:
                if engine.available():
                    pairs.extend(engine.pairs())
            except Exception:  # one broken engine must not take routing down
                log.exception("engine %s could not list its pairs", name)
        return sorted(pairs, key=lambda pair: (pair.source, pair.target, pair.engine))

    def _build_graph(self, pairs: list[Pair]) -> dict[str, dict[str, Hop]]:
        """Keep, for each direction, the pair of the most preferred allowed engine."""
        offers: dict[tuple[str, str], dict[str, Pair]] = {}
        for pair in pairs:
            offers.setdefault((pair.source, pair.target), {}).setdefault(pair.engine, pair)
        graph: dict[str, dict[str, Hop]] = {}
        for (source, target), by_engine in offers.items():
            name = next((n for n in self.engines_for(source, target) if n in by_engine), None)
            if name is not None:
                pair = by_engine[name]
                graph.setdefault(source, {})[target] = Hop(source, target, name, pair.detail)
        return graph

    # --- routing -------------------------------------------------------------------------

    def route(self, source: str, target: str) -> Route | None:
        """Return the best route: fewest hops, then preferred engines, then language codes."""
        if source == target:
            return Route(source, target, ())
        graph = self._ensure_graph()
        direct = graph.get(source, {}).get(target)
        if direct is not None and self.max_hops >= 1:
            return Route(source, target, (direct,))
        hops = self._shortest_path(graph, source, target)
        return Route(source, target, hops) if hops is not None else None

    def translate(self, segments: list[str], source: str,
                  target: str) -> tuple[list[str], str]:
        """Translate a batch along the best route and return the outputs and the chain."""
        route = self.route(source, target)
        if route is None:
            raise NoRouteError(f"no translation route from {source} to {target}")
        texts = list(segments)
        for hop in route.hops:
            texts = self._by_name[hop.engine].translate(texts, hop.source, hop.target)
            if len(texts) != len(segments):
                raise EngineError(f"{hop.label} returned {len(texts)} outputs "
                                  f"for {len(segments)} segments")
        return texts, route.chain

    def close(self) -> None:
        """Close every engine (their processes and models)."""
        for engine in self.engines:
            engine.close()

    def _shortest_path(self, graph: dict[str, dict[str, Hop]], source: str,
                       target: str) -> tuple[Hop, ...] | None:
        """Find the best path by Dijkstra over (hops, engine ranks, language codes)."""
        # Every key component grows when a path is extended, and paths of equal length
        # compare by their language sequences, so the first path to reach a language is
        # its best one and the search may settle it.
        queue: list[tuple[int, int, tuple[str, ...], tuple[Hop, ...]]] = [
            (0, 0, (source,), ())]
        settled: set[str] = set()
        while queue:
            length, rank, languages, hops = heapq.heappop(queue)
            here = languages[-1]
            if here == target:
                return hops
            if here in settled or length >= self.max_hops:
                continue
            settled.add(here)
            for there, hop in graph.get(here, {}).items():
                if there in settled or not self._may_visit(there, target):
                    continue
                heapq.heappush(queue, (length + 1, rank + self._engine_rank(hop.engine),
                                       (*languages, there), (*hops, hop)))
        return None

    def _may_visit(self, language: str, target: str) -> bool:
        """Say whether a path may pass through (or end at) `language`."""
        return language == target or self.pivots is None or language in self.pivots

    def _engine_rank(self, name: str) -> int:
        """Return how far down the global preference an engine is (unlisted ones last)."""
        try:
            return self.engine_order.index(name)
        except ValueError:
            return len(self.engine_order)
