"""A person who took part in every way, among others; and a scan of the whole database."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select, text

import factories as make
from fixtures_core import store_translation
from forum.db import db
from forum.moderation import appeals, reports
from forum.moderation import service as moderation
from forum.moderation.models import Action, Appeal
from forum.notifications import service as notifications
from forum.proposals import service as proposals
from forum.search import index

NAME = "Marta Quokka"
EMAIL = "marta.quokka@example.org"


@dataclass
class World:
    """Marta's texts and the things of others around them, by name."""

    person: object
    other: object
    moderator: object
    lonely: object       # Marta's proposal nobody else took part in
    discussed: object    # Marta's proposal someone else commented on and supported
    theirs: object       # someone else's proposal Marta commented on and supported
    mine: object         # Marta's comment on `theirs`, which someone replied to
    reply: object        # the other person's reply to `mine`
    others_comment: object  # the other person's comment on `discussed`
    my_reply: object     # Marta's reply to it
    hidden: object       # Marta's comment a moderator hid (and she appealed)
    # Words only Marta's own texts contain (their originals and translations).
    words: tuple[str, ...] = ("wombatlonely", "wombatdiscussed", "wombatmine", "wombatreply",
                              "wombathidden", "wombatappeal", "wombatreport")
    secrets: tuple[str, ...] = ()


def take_part() -> World:
    """Build Marta's whole life on the forum, with translations and search documents."""
    person = make.user(NAME)
    person.email = EMAIL
    other, moderator = make.user("Other Person"), make.user("Moderator", role="moderator")
    topic = make.topic("Parks")
    lonely = make.proposal(person, topic, "A lonely proposal about wombatlonely",
                           "Nobody else took part here: wombatlonely, said Marta.")
    discussed = make.proposal(person, topic, "A discussed proposal wombatdiscussed",
                              "Others commented on this one: wombatdiscussed.")
    theirs = make.proposal(other, topic, "Someone else's proposal about benches",
                           "Benches in every park, written by the other person.")
    mine = make.comment(theirs, person, "My comment: wombatmine.")
    reply = make.comment(theirs, other, "The other person's reply.", parent=mine)
    others_comment = make.comment(discussed, other, "The other person's comment.")
    my_reply = make.comment(discussed, person, "My reply: wombatreply.", parent=others_comment)
    hidden = make.comment(theirs, person, "A comment to hide: wombathidden.")
    world = World(person, other, moderator, lonely, discussed, theirs, mine, reply,
                  others_comment, my_reply, hidden)
    _act(world)
    _translate(world)
    from forum.accounts import sessions

    login = sessions.start(person)
    world.secrets = (NAME, EMAIL, person.password_hash, login, sessions.token_hash(login))
    return world


def _act(w: World) -> None:
    proposals.support(w.person, w.theirs)
    proposals.support(w.person, w.discussed)
    proposals.support(w.other, w.discussed)
    notifications.start_following(w.person, w.theirs)
    reports.file_report(w.person, w.reply, "other", "A report by Marta: wombatreport.")
    reports.file_report(w.other, w.my_reply, "offensive")
    reports.file_report(w.other, w.person, "spam", f"{NAME} posts too much")
    entry = moderation.act(w.moderator, w.hidden, Action.HIDE, "Off topic here.").entry
    appeals.lodge(w.person, entry, "Please look again: wombatappeal.", "en")
    notifications.notify([w.person.id], "moderation", detail=f"A note for {NAME}")
    db.session.commit()


def _translate(w: World) -> None:
    """Store Spanish translations and their search documents, as a worker would."""
    connection = db.session.connection()
    for item, texts in ((w.lonely, {"title": "Propuesta wombatlonely",
                                    "body": "Nadie más: wombatlonely."}),
                        (w.discussed, {"title": "Propuesta wombatdiscussed",
                                       "body": "Comentada: wombatdiscussed."}),
                        (w.mine, {"body": "Mi comentario: wombatmine."}),
                        (w.my_reply, {"body": "Mi respuesta: wombatreply."})):
        for field, translated in texts.items():
            store_translation(item, field, translated, language="es")
        index.store_translation(connection, item.__translatable__, item, "es", texts)
    appeal = db.session.scalar(select(Appeal).where(Appeal.appellant_id == w.person.id))
    store_translation(appeal, "message", "Mírelo otra vez: wombatappeal.", language="es")
    db.session.commit()


def findings(needles) -> list[tuple[str, str, str]]:
    """Return (table, column, value) of every stored text containing one of `needles`.

    Every table the database holds, not only the models' (PostgreSQL's search vectors
    too), and on SQLite the full-text index, which only a MATCH query can look into.
    """
    needles = [n.casefold() for n in needles]
    db.session.expire_all()
    found = []
    connection = db.session.connection()
    for table in inspect(connection).get_table_names():
        if table.startswith("search_fts") or table == "alembic_version":
            continue
        for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
            for column, value in row.items():
                value = str(value).casefold() if value is not None else ""
                found += [(table, column, value) for n in needles if n in value]
    if connection.dialect.name == "sqlite":
        for needle in needles:
            phrase = '"' + needle.replace('"', '""') + '"'
            if connection.execute(text("SELECT rowid FROM search_fts WHERE search_fts MATCH :q"),
                                  {"q": phrase}).first():
                found.append(("search_fts", "*", needle))
    return found
