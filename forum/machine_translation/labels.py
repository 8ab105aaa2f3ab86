"""How a reader is told where a text comes from: engines' names, "machine-translated from"."""
from __future__ import annotations

from functools import lru_cache

from flask import g
from flask_babel import gettext as _

from forum.i18n import language_name

ENGINE_LABELS = {"apertium": "Apertium", "argos": "Argos Translate"}


@lru_cache(maxsize=1024)
def engine_names(chain: str | None) -> str:
    """Name the engines of a chain like "apertium:cat-spa>argos:es-en", without repeats."""
    names = []
    for hop in (chain or "").split(">"):
        name = ENGINE_LABELS.get(hop.split(":")[0], hop.split(":")[0])
        if name and name not in names:
            names.append(name)
    return " + ".join(names)


def provenance_label(shown) -> str:
    """Say where a shown text comes from ("Machine-translated from Catalan by Apertium").

    Cached per page: a thread repeats the same few labels hundreds of times.
    """
    key = (shown.status, shown.original_language, shown.engine) if shown else None
    cache = g.setdefault("provenance_labels", {})
    if key not in cache:
        if shown is None:
            cache[key] = _("Show original")
        elif shown.status == "translated":
            cache[key] = _("Machine-translated from %(language)s by %(engine)s",
                           language=language_name(shown.original_language),
                           engine=engine_names(shown.engine))
        elif shown.status == "pending":
            cache[key] = _("Translation pending: shown in the original %(language)s.",
                           language=language_name(shown.original_language))
        else:
            cache[key] = _("No translation available for this language: shown in the "
                           "original %(language)s.",
                           language=language_name(shown.original_language))
    return cache[key]
