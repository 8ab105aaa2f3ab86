"""How well "has this been proposed already?" finds paraphrases across languages.

    .venv/bin/python bench/similar_proposals.py [--databases sqlite,postgresql]

Publishes the originals of tests/data/similar_proposals.toml (36 proposals in en, es, fr
and ca) on a fresh, migrated database, translates them with the real worker through
Apertium, then looks for each paraphrased draft (written in another language) and each of
the 30 unrelated drafts, and prints: recall@5 (the original among the first five), how
many originals came first, how many were flagged, and the highest unrelated score against
SIMILAR_THRESHOLD. tests/test_similar.py asserts the same figures.
PostgreSQL: FORUM_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1/postgres);
a database is created and dropped.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from search_worst import create_postgresql, database_urls  # noqa: E402


def measure(url: str, instance: str) -> str:
    """Load the test set into the database at `url`, translate it, and report the figures."""
    from flask_migrate import upgrade

    import similar_cases
    from forum import create_app
    from forum.machine_translation.engines import build_router
    from forum.machine_translation.worker import Worker

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "LANGUAGE_CHECK": False,
                      "ARGON2_MEMORY_COST": 1024, "ARGON2_TIME_COST": 1,
                      "ARGON2_PARALLELISM": 1})
    with app.app_context():
        upgrade(directory=str(HERE.parent / "migrations"))
        test_set = similar_cases.cases()
        originals = similar_cases.publish_originals(test_set)
        router = build_router(app.config)
        try:
            Worker(router, "bench-similar").run(once=True)
        finally:
            router.close()
        return similar_cases.measure(test_set, originals).report()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--databases", default="sqlite,postgresql")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        for name, url in database_urls(args.databases.split(","), workdir).items():
            if name == "postgresql":
                create_postgresql(url)
            try:
                report = measure(url, str(workdir / f"{name}-instance"))
            finally:
                if name == "postgresql":
                    create_postgresql(url, drop=True)
            print(f"{name}:\n{report}\n")


if __name__ == "__main__":
    main()
