"""Generate a large forum quickly (bulk inserts), for benchmarks.

    python bench/datagen.py --database-url sqlite:////tmp/big.db --proposals 10000 \
        --comments 200000 --thread 1000 --languages en,es,fr,ca,de --translations

Creates the schema with the real migrations, then inserts users, topics, proposals, one
"big thread" proposal with --thread comments (nested up to depth 12), the remaining
comments spread over the other proposals, supports, and — with --translations — a stored
machine translation of every text into every other language (as the worker would leave
them), so reading pages cost what they cost in production.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("the council should open more safe bike lanes near schools and markets so that "
         "children can cycle every day without fear of heavy traffic while shops keep "
         "deliveries in the morning and residents get quieter streets greener squares "
         "cheaper public transport better lighting and benches for older people").split()
LANGUAGE_CYCLE = ["en", "es", "fr", "ca", "de"]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def build_app(database_url: str, instance: str, languages: list[str]):
    from forum import create_app

    return create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance,
                       "LANGUAGES": languages, "ARGON2_MEMORY_COST": 1024,
                       "ARGON2_TIME_COST": 1, "ARGON2_PARALLELISM": 1})


class Generator:
    """Insert rows in large batches through SQLAlchemy Core."""

    def __init__(self, app, args):
        from forum.db import db

        self.app, self.args, self.db = app, args, db
        self.rng = random.Random(42)
        self.languages = args.languages
        self.now = __import__("forum.db", fromlist=["utcnow"]).utcnow()

    def insert(self, model, rows: list[dict], chunk: int = 5000) -> None:
        for start in range(0, len(rows), chunk):
            self.db.session.execute(model.__table__.insert(), rows[start:start + chunk])
        self.db.session.commit()

    def run(self) -> dict:
        from forum.accounts.passwords import hash_password

        started = time.perf_counter()
        password = hash_password("benchmark password")
        self.users = self.make_users(password)
        self.topics = self.make_topics()
        self.proposals = self.make_proposals()
        comments = self.make_comments()
        supports = self.make_supports()
        translations = self.make_translations() if self.args.translations else 0
        self.fix_sequences()
        return {"users": len(self.users), "proposals": len(self.proposals), "comments": comments,
                "supports": supports, "translations": translations,
                "seconds": round(time.perf_counter() - started, 1)}

    def make_users(self, password: str) -> list[int]:
        from forum.accounts.models import User

        count = self.args.users
        rows = [dict(id=i, display_name=f"citizen {i}", name_key=f"citizen {i}",
                     password_hash=password, language=self.languages[i % len(self.languages)],
                     role="admin" if i == 1 else "citizen", session_token=f"bench-token-{i}",
                     created_at=self.now) for i in range(1, count + 1)]
        self.insert(User, rows)
        return [r["id"] for r in rows]

    def make_topics(self) -> list[int]:
        from forum.proposals.models import Topic

        # Process 1 is the one the migrations make for topics with no other process.
        rows = [dict(id=i, slug=f"topic-{i}", name=f"Topic {i}", description="A theme.",
                     language="en", position=i, created_at=self.now, process_id=1)
                for i in range(1, 7)]
        self.insert(Topic, rows)
        return [r["id"] for r in rows]

    def make_proposals(self) -> list[dict]:
        from datetime import timedelta

        from forum.content.render import render_markdown
        from forum.proposals.models import Proposal

        rows = []
        for i in range(1, self.args.proposals + 1):
            body = (paragraph(self.rng, 4) + "\n\n- " + sentence(self.rng, 6)
                    + "\n- " + sentence(self.rng, 6))
            created = self.now - timedelta(minutes=self.args.proposals - i)
            rows.append(dict(id=i, topic_id=self.topics[i % len(self.topics)],
                             author_id=self.users[i % len(self.users)],
                             language=self.languages[i % len(self.languages)],
                             title=sentence(self.rng, 7)[:150], body_source=body,
                             body_html=render_markdown(body), state="open", created_at=created,
                             last_activity_at=created, support_count=0, comment_count=0))
        self.insert(Proposal, rows)
        return rows

    def make_comments(self) -> int:
        """Comments: the big thread on proposal 1, the rest spread over the others."""
        from forum.comments.models import Comment, path_segment
        from forum.content.render import render_markdown

        rows, next_id = [], 1
        html_cache: dict[str, str] = {}
        plan = [(1, self.args.thread)]
        rest = max(self.args.comments - self.args.thread, 0)
        others = len(self.proposals) - 1
        if others > 0 and rest:
            per, extra = divmod(rest, others)
            plan += [(pid, per + (1 if pid - 2 < extra else 0)) for pid in range(2, others + 2)]
        for proposal_id, count in plan:
            thread: list[dict] = []
            for _ in range(count):
                parent = None
                if thread and self.rng.random() < self.args.nesting:
                    parent = thread[-1] if self.rng.random() < 0.5 else self.rng.choice(thread)
                    if parent["depth"] >= 12:
                        parent = None
                body = paragraph(self.rng, self.rng.randint(1, 3))
                html = html_cache.setdefault(body, render_markdown(body))
                row = dict(id=next_id, proposal_id=proposal_id,
                           parent_id=parent["id"] if parent else None,
                           root_id=parent["root_id"] if parent else next_id,
                           path=(parent["path"] if parent else "") + path_segment(next_id),
                           depth=parent["depth"] + 1 if parent else 0,
                           author_id=self.users[next_id % len(self.users)],
                           language=self.languages[next_id % len(self.languages)],
                           alignment=None, body_source=body, body_html=html,
                           created_at=self.now, reply_count=0)
                if parent:
                    parent["reply_count"] += 1
                thread.append(row)
                next_id += 1
            rows.extend(thread)
            self.proposals[proposal_id - 1]["comment_count"] = count
            if len(rows) >= 20000:
                self.insert(Comment, rows)
                rows = []
        self.insert(Comment, rows)
        self.update_comment_counts()
        return next_id - 1

    def update_comment_counts(self) -> None:
        from sqlalchemy import update

        from forum.proposals.models import Proposal

        for row in self.proposals:
            if row["comment_count"]:
                self.db.session.execute(update(Proposal).where(Proposal.id == row["id"])
                                        .values(comment_count=row["comment_count"]))
        self.db.session.commit()

    def make_supports(self) -> int:
        from sqlalchemy import update

        from forum.proposals.models import Proposal, Support

        rows, counts = [], {}
        for proposal in self.proposals:
            n = self.rng.randint(0, min(30, len(self.users)))
            for user_id in self.rng.sample(self.users, n):
                rows.append(dict(user_id=user_id, proposal_id=proposal["id"], created_at=self.now))
            counts[proposal["id"]] = n
        self.insert(Support, rows)
        for pid, n in counts.items():
            if n:
                self.db.session.execute(
                    update(Proposal).where(Proposal.id == pid).values(support_count=n))
        self.db.session.commit()
        return len(rows)

    def make_translations(self) -> int:
        """Store a translation of every text into every other language, and done jobs."""
        from sqlalchemy import select

        from forum.comments.models import Comment
        from forum.machine_translation.models import Translation, TranslationJob
        from forum.machine_translation.translatable import source_hash
        from forum.proposals.models import Proposal, Topic

        total = 0
        for kind, model, fields in (("topic", Topic, [("name", "name", False),
                                                      ("description", "description", False)]),
                                    ("proposal", Proposal, [("title", "title", False),
                                                            ("body", "body_source", True)]),
                                    ("comment", Comment, [("body", "body_source", True)])):
            columns = [model.id, model.language] + [getattr(model, a) for _, a, _ in fields]
            if kind == "comment":
                columns.append(Comment.body_html)
            elif kind == "proposal":
                columns.append(Proposal.body_html)
            translations, jobs = [], []
            for row in self.db.session.execute(select(*columns)).all():
                for lang in self.languages:
                    if lang == row[1]:
                        continue
                    jobs.append(dict(item_type=kind, item_id=row[0], language=lang, state="done",
                                     attempts=1, not_before=self.now, created_at=self.now,
                                     updated_at=self.now, done_at=self.now, engine="bench"))
                    for index, (name, _, markdown) in enumerate(fields):
                        source = row[2 + index]
                        translations.append(dict(
                            item_type=kind, item_id=row[0], field=name, language=lang,
                            source_language=row[1], source_hash=source_hash(row[1], source),
                            text=f"[{lang}] {source}", html=row[-1] if markdown else None,
                            engine="apertium:bench", created_at=self.now))
                if len(translations) > 20000:
                    self.insert(Translation, translations)
                    self.insert(TranslationJob, jobs)
                    total += len(translations)
                    translations, jobs = [], []
            self.insert(Translation, translations)
            self.insert(TranslationJob, jobs)
            total += len(translations)
        return total

    def fix_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the explicit ids inserted."""
        from sqlalchemy import text

        if self.db.engine.dialect.name != "postgresql":
            return
        for table in ("users", "topics", "proposals", "comments"):
            self.db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        self.db.session.commit()


def generate(database_url: str, instance: str, args) -> dict:
    """Migrate an empty database and fill it; return the counts."""
    from flask_migrate import upgrade

    app = build_app(database_url, instance, args.languages)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        counts = Generator(app, args).run()
        analyze(app)
        return counts


def analyze(app) -> None:
    """Give PostgreSQL's planner statistics for the bulk-loaded tables.

    Autovacuum would do it some time after a bulk load; a benchmark that starts at once
    would otherwise measure plans made without statistics (for the translation lookup of
    a long thread, a scan of every translation of a kind instead of an index search).
    """
    from sqlalchemy import text

    from forum.db import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", required=True)
    p.add_argument("--instance", default=None, help="instance folder (default: beside the db)")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--proposals", type=int, default=200)
    p.add_argument("--comments", type=int, default=2000)
    p.add_argument("--thread", type=int, default=1000, help="comments on proposal 1")
    p.add_argument("--languages", type=lambda s: s.split(","), default=["en", "es", "fr", "ca"])
    p.add_argument("--translations", action="store_true")
    p.add_argument("--nesting", type=float, default=0.7,
                   help="share of comments that reply to another (0: a flat thread)")
    return p


if __name__ == "__main__":
    arguments = parser().parse_args()
    instance = arguments.instance or os.path.join(os.path.dirname(
        arguments.database_url.replace("sqlite:///", "")) or "/tmp", "bench-instance")
    print(generate(arguments.database_url, instance, arguments))
