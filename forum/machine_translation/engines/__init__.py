"""Machine-translation engines and the router that chains them.

Importing this package is cheap: engines import their heavy libraries (argostranslate,
ctranslate2, torch) only when they first translate, which happens in worker processes.
"""
from __future__ import annotations


def build_engines(config) -> list:
    """Create the engines the configuration asks for, available or not."""
    from forum.machine_translation.engines.apertium import ApertiumEngine
    from forum.machine_translation.engines.argos import ArgosEngine

    return [ApertiumEngine(max_pipelines=config["MT_APERTIUM_MAX_PIPELINES"] or None),
            ArgosEngine(config["MT_ARGOS_PACKAGES_DIR"],
                        max_loaded_models=config["MT_ARGOS_MAX_LOADED_MODELS"],
                        intra_threads=config["MT_ARGOS_THREADS"])]


def build_router(config):
    """Create the router over every engine, with the configured order and limits."""
    from forum.machine_translation.engines.router import Router

    return Router(build_engines(config), engine_order=config["MT_ENGINE_ORDER"],
                  pair_engines=config["MT_PAIR_ENGINES"], max_hops=config["MT_MAX_HOPS"],
                  pivots=config["MT_PIVOTS"] or None)
