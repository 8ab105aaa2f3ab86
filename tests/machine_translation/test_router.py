"""Routing language pairs over engines: direct pairs, pivots, preferences and limits."""
from __future__ import annotations

import os
import shutil

import pytest

from forum.machine_translation.engines.base import Engine, EngineError, Pair, placeholder
from forum.machine_translation.engines.router import Hop, NoRouteError, Route, Router

REQUIRE_ALL = os.environ.get("FORUM_REQUIRE_ALL") == "1"


class FakeEngine(Engine):
    """Offer the given directions and tag each text with the step that translated it."""

    def __init__(self, name: str, directions: list[str], available: bool = True):
        self.name = name
        self.directions = list(directions)
        self.is_available = available
        self.calls: list[tuple[list[str], str, str]] = []
        self.refreshed = 0

    def available(self) -> bool:
        return self.is_available

    def pairs(self) -> list[Pair]:
        return [Pair(*direction.split("-"), engine=self.name, detail=direction)
                for direction in self.directions]

    def translate(self, segments, source, target):
        self.calls.append((list(segments), source, target))
        return [f"{text}|{self.name}:{source}-{target}" for text in segments]

    def refresh(self) -> None:
        self.refreshed += 1


class BrokenEngine(FakeEngine):
    """Fail to list pairs."""

    def pairs(self):
        raise RuntimeError("cannot list")


def chain(router: Router, source: str, target: str) -> str | None:
    route = router.route(source, target)
    return None if route is None else route.chain


# --- choosing engines for a direct pair --------------------------------------------------

def test_direct_pair_uses_the_engine_order():
    apertium = FakeEngine("apertium", ["ca-es"])
    argos = FakeEngine("argos", ["ca-es", "en-de"])
    assert chain(Router([argos, apertium]), "ca", "es") == "apertium:ca-es"
    assert chain(Router([argos, apertium], engine_order=["argos", "apertium"]), "ca", "es") \
        == "argos:ca-es"
    assert chain(Router([argos, apertium]), "en", "de") == "argos:en-de"


def test_pair_override_replaces_the_order_for_that_pair():
    apertium = FakeEngine("apertium", ["ca-es", "es-en"])
    argos = FakeEngine("argos", ["ca-es", "es-en"])
    router = Router([apertium, argos], pair_engines={"ca-es": ["argos"]})
    assert chain(router, "ca", "es") == "argos:ca-es"
    assert chain(router, "es", "en") == "apertium:es-en"
    assert chain(router, "ca", "en") == "argos:ca-es>apertium:es-en"


def test_override_to_an_engine_without_the_pair_removes_it():
    router = Router([FakeEngine("apertium", ["ca-es"])], pair_engines={"ca-es": ["argos"]})
    assert router.route("ca", "es") is None


def test_unlisted_and_unavailable_engines_are_not_used():
    router = Router([FakeEngine("other", ["ca-es"]),
                     FakeEngine("argos", ["ca-en"], available=False)])
    assert router.route("ca", "es") is None and router.route("ca", "en") is None
    assert chain(Router([FakeEngine("other", ["ca-es"])], engine_order=["other"]), "ca", "es") \
        == "other:ca-es"


def test_an_engine_that_cannot_list_pairs_is_ignored():
    router = Router([BrokenEngine("argos", ["x-y"]), FakeEngine("apertium", ["ca-es"])])
    assert chain(router, "ca", "es") == "apertium:ca-es"


# --- shortest paths ----------------------------------------------------------------------

def test_direct_pair_beats_any_pivot():
    apertium = FakeEngine("apertium", ["ca-es", "es-en"])
    argos = FakeEngine("argos", ["ca-en"])
    assert chain(Router([apertium, argos]), "ca", "en") == "argos:ca-en"


def test_fewest_hops_beat_preferred_engines():
    apertium = FakeEngine("apertium", ["ca-es", "es-fr", "fr-en"])
    argos = FakeEngine("argos", ["ca-de", "de-en"])
    assert chain(Router([apertium, argos]), "ca", "en") == "argos:ca-de>argos:de-en"


def test_equal_hops_prefer_engines_then_language_codes():
    apertium = FakeEngine("apertium", ["ca-fr", "fr-en"])
    argos = FakeEngine("argos", ["ca-es", "es-en"])
    # "es" < "fr", but the all-Apertium path wins on engine preference.
    assert chain(Router([apertium, argos]), "ca", "en") == "apertium:ca-fr>apertium:fr-en"
    both = FakeEngine("apertium", ["ca-fr", "fr-en", "ca-es", "es-en", "ca-it", "it-en"])
    assert chain(Router([both]), "ca", "en") == "apertium:ca-es>apertium:es-en"


def test_engine_ranks_add_up_over_the_path():
    apertium = FakeEngine("apertium", ["ca-es", "fr-en"])
    argos = FakeEngine("argos", ["es-en", "ca-fr"])
    assert chain(Router([apertium, argos]), "ca", "en") == "apertium:ca-es>argos:es-en"  # es < fr
    mixed = FakeEngine("apertium", ["ca-pt"])
    router = Router([mixed, FakeEngine("argos", ["pt-en", "ca-it", "it-en"])])
    assert chain(router, "ca", "en") == "apertium:ca-pt>argos:pt-en"  # one Argos hop, not two


def test_max_hops_bounds_the_chain():
    engine = FakeEngine("apertium", ["a-b", "b-c", "c-d"])
    assert chain(Router([engine]), "a", "d") == "apertium:a-b>apertium:b-c>apertium:c-d"
    assert Router([engine], max_hops=2).route("a", "d") is None
    assert chain(Router([engine], max_hops=2), "a", "c") == "apertium:a-b>apertium:b-c"
    assert Router([engine], max_hops=1).route("a", "c") is None
    assert Router([FakeEngine("apertium", ["a-b", "b-c", "c-d", "d-e"])]).route("a", "e") is None


def test_pivots_restrict_intermediate_languages_only():
    engine = FakeEngine("apertium", ["ca-es", "es-en", "ca-fr", "fr-en", "en-de"])
    assert chain(Router([engine]), "ca", "en") == "apertium:ca-es>apertium:es-en"
    assert chain(Router([engine], pivots=["fr"]), "ca", "en") == "apertium:ca-fr>apertium:fr-en"
    assert Router([engine], pivots=["fr"]).route("ca", "de") is None
    assert chain(Router([engine], pivots=["fr", "en"]), "ca", "de") \
        == "apertium:ca-fr>apertium:fr-en>apertium:en-de"
    assert chain(Router([engine], pivots=[]), "ca", "en") == "apertium:ca-es>apertium:es-en"


def test_no_route_and_same_language():
    router = Router([FakeEngine("apertium", ["ca-es"])])
    assert router.route("es", "ca") is None
    assert router.route("ca", "ca") == Route("ca", "ca", ())
    assert router.translate(["x"], "ca", "ca") == (["x"], "")
    with pytest.raises(NoRouteError) as caught:
        router.translate(["x"], "es", "ca")
    assert isinstance(caught.value, EngineError)


# --- translating -------------------------------------------------------------------------

def test_translate_runs_each_hop_once_on_the_whole_batch():
    apertium = FakeEngine("apertium", ["ca-es", "es-en"])
    router = Router([apertium])
    outputs, used = router.translate(["a", "b", "c"], "ca", "en")
    assert used == "apertium:ca-es>apertium:es-en"
    assert outputs == [f"{x}|apertium:ca-es|apertium:es-en" for x in "abc"]
    assert [call[1:] for call in apertium.calls] == [("ca", "es"), ("es", "en")]
    assert apertium.calls[0][0] == ["a", "b", "c"]


def test_translate_rejects_a_wrong_number_of_outputs():
    class Lossy(FakeEngine):
        def translate(self, segments, source, target):
            return segments[:1]

    with pytest.raises(EngineError):
        Router([Lossy("apertium", ["ca-es"])]).translate(["a", "b"], "ca", "es")


def test_listing_and_refresh():
    apertium = FakeEngine("apertium", ["ca-es"])
    argos = FakeEngine("argos", ["ca-es", "es-en"])
    router = Router([apertium, argos])
    assert sorted((p.engine, p.detail) for p in router.pairs()) == [
        ("apertium", "ca-es"), ("argos", "ca-es"), ("argos", "es-en")]
    assert router.graph() == {"ca": {"es": Hop("ca", "es", "apertium", "ca-es")},
                              "es": {"en": Hop("es", "en", "argos", "es-en")}}
    assert router.route("en", "de") is None
    argos.directions.append("en-de")
    assert router.route("en", "de") is None  # cached until refreshed
    router.refresh()
    assert chain(router, "en", "de") == "argos:en-de"
    assert apertium.refreshed == argos.refreshed == 1


def test_engines_are_listed_and_closed():
    class Closable(FakeEngine):
        closed = False

        def close(self):
            self.closed = True

    engines = [Closable("apertium", ["ca-es"]), Closable("argos", [])]
    router = Router(engines)
    assert [engine.name for engine in router.engines] == ["apertium", "argos"]
    router.close()
    assert all(engine.closed for engine in engines)
    with pytest.raises(ValueError):
        Router([FakeEngine("argos", []), FakeEngine("argos", [])])


def test_route_reports_its_languages():
    router = Router([FakeEngine("apertium", ["ca-es", "es-en"])])
    route = router.route("ca", "en")
    assert route.languages == ("ca", "es", "en")
    assert route.hops[0] == ("ca", "es", "apertium", "ca-es")


# --- with the real Apertium --------------------------------------------------------------

@pytest.fixture(scope="module")
def apertium():
    from forum.machine_translation.engines.apertium import ApertiumEngine

    if shutil.which("apertium") is None:
        if REQUIRE_ALL:
            pytest.fail("apertium is missing and FORUM_REQUIRE_ALL=1")
        pytest.skip("apertium is not installed")
    engine = ApertiumEngine()
    installed = {pair.detail for pair in engine.pairs()}
    needed = {"eng-cat", "cat-fra", "eng-spa", "es-fr", "cat-spa", "cat-eng"}
    if not needed <= installed:
        if REQUIRE_ALL:
            pytest.fail(f"Apertium modes missing: {sorted(needed - installed)}")
        pytest.skip("Apertium modes for the routing tests are not installed")
    yield engine
    engine.close()


def test_real_direct_pair(apertium):
    router = Router([apertium])
    text = "El govern ha aprovat la proposta dels veïns."
    assert router.translate([text], "ca", "es") == (
        ["El gobierno ha aprobado la propuesta de los vecinos."], "apertium:cat-spa")
    assert router.translate([text], "ca", "en") == (
        ["The governance has approved the proposal of the neighbours."], "apertium:cat-eng")


def test_real_pivot_from_english_to_french(apertium):
    text = f"The government has approved the proposal of the neighbours {placeholder(0)}."
    expected = [f"Le gouvernement a approuvé la proposition des voisins {placeholder(0)}."]
    assert Router([apertium]).route("en", "fr").languages[1] in ("ca", "es")
    assert Router([apertium]).translate([text], "en", "fr") == (
        expected, "apertium:eng-cat>apertium:cat-fra")
    assert Router([apertium], pivots=["es"]).translate([text], "en", "fr") == (
        expected, "apertium:eng-spa>apertium:es-fr")
    with pytest.raises(NoRouteError):
        Router([apertium], max_hops=1).translate([text], "en", "fr")
