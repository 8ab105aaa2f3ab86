"""`forum mt …`: list engines and pairs, install Argos models, (re-)translate content."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

mt_cli = AppGroup("mt", help="Machine translation: engines, pairs, models, re-translation.")


def _engines():
    from forum.machine_translation.engines import build_engines

    return build_engines(current_app.config)


def _argos():
    return next(e for e in _engines() if e.name == "argos")


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.1f} kB"


@mt_cli.command("list")
def list_pairs() -> None:
    """List engines, whether they run here, and their language pairs."""
    from forum.machine_translation.engines.router import Router

    engines = _engines()
    for engine in engines:
        pairs = engine.pairs() if engine.available() else []
        click.echo(f"{engine.name}: {'available' if engine.available() else 'not available'}, "
                   f"{len(pairs)} pairs")
        for pair in sorted(pairs, key=lambda p: (p.source, p.target)):
            click.echo(f"  {pair.source} -> {pair.target}  {pair.detail:<24} "
                       f"{_size(pair.size_bytes)}")
    config = current_app.config
    router = Router(engines, engine_order=config["MT_ENGINE_ORDER"],
                    pair_engines=config["MT_PAIR_ENGINES"], max_hops=config["MT_MAX_HOPS"],
                    pivots=config["MT_PIVOTS"] or None)
    click.echo("routes between configured languages:")
    for source in config["LANGUAGES"]:
        for target in config["LANGUAGES"]:
            if source != target:
                route = router.route(source, target)
                click.echo(f"  {source} -> {target}: {route.chain if route else 'none'}")
    for engine in engines:
        engine.close()


@mt_cli.command("install")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def install(files) -> None:
    """Install Argos Translate packages (.argosmodel files) downloaded elsewhere."""
    from forum.machine_translation import queue
    from forum.machine_translation.engines.argos import ArgosPackageError

    engine = _argos()
    failed = False
    for path in files:
        with click.progressbar(length=100, label=f"installing {path}") as bar:
            def progress(done: int, total: int) -> None:
                bar.update(int(100 * done / max(total, 1)) - bar.pos)
            try:
                pairs = engine.install(path, progress=progress)
            except ArgosPackageError as error:
                failed = True
                click.echo(f"\nerror: {path}: {error}", err=True)
                continue
        for pair in pairs:
            click.echo(f"installed {pair.source} -> {pair.target} ({pair.detail})")
    woken = queue.requeue()
    if woken:
        click.echo(f"{woken} waiting translation jobs queued again")
    if failed:
        raise SystemExit(1)


@mt_cli.command("remove")
@click.argument("source")
@click.argument("target")
def remove(source: str, target: str) -> None:
    """Uninstall the Argos package for one pair."""
    if not _argos().remove(source, target):
        raise click.ClickException(f"no Argos package installed for {source} -> {target}")
    click.echo(f"removed {source} -> {target}")


@mt_cli.command("backfill")
@click.option("--all", "everything", is_flag=True,
              help="Re-translate everything, not only what was never queued.")
@click.option("--language", "languages", multiple=True, help="Only into these languages.")
@click.option("--queue-only", is_flag=True, help="Queue the work for running workers; "
              "do not translate in this process.")
@click.option("--glossary", "terms", multiple=True, metavar="TERM",
              help="Re-translate only the texts containing this glossary term (whole words, "
                   "as the glossary matches it), e.g. after changing it; repeatable.")
def backfill(everything: bool, languages: tuple[str, ...], queue_only: bool,
             terms: tuple[str, ...]) -> None:
    """(Re-)translate existing content, e.g. after adding a language."""
    from forum.machine_translation.backfill import owed_items, pending_count, queue_items

    targets: list[str] = list(languages) or current_app.config["LANGUAGES"]
    owed = _owed_for_terms(terms, targets) if terms else owed_items(targets, everything)
    with click.progressbar(owed, label="queueing", length=len(owed)) as bar:
        queued = queue_items(bar, targets)
    click.echo(f"{queued} translation jobs queued")
    if not queue_only:
        _translate_with_progress(pending_count())


def _owed_for_terms(terms: tuple[str, ...], targets: list[str]):
    """List the jobs of texts containing `terms`: stored terms by their rules, others as typed."""
    from forum.machine_translation.backfill import texts_containing
    from forum.machine_translation.glossary import KEEP, Entry
    from forum.machine_translation.glossary_terms import load_entries

    wanted = {" ".join(term.split()).casefold() for term in terms}
    entries = [entry for entry in load_entries() if entry.term.casefold() in wanted]
    found = {entry.term.casefold() for entry in entries}
    entries += [Entry(term, None, KEEP) for term in wanted - found]
    return [(kind, item_id, lang, language)
            for kind, item_id, language in texts_containing(entries)
            for lang in targets if lang != language]


def _translate_with_progress(total: int) -> None:
    from forum.machine_translation.engines import build_router
    from forum.machine_translation.worker import Worker

    router = build_router(current_app.config)
    worker = Worker(router, "backfill")
    done = 0
    with click.progressbar(length=total, label="translating") as bar:
        while (claimed := worker.run_batch()):
            done += claimed
            bar.update(claimed)
    router.close()
    click.echo(f"{done} jobs processed; see `forum mt status` for the outcome")


@mt_cli.command("rerender")
def rerender_command() -> None:
    """Render the stored HTML of texts and translations again (after a renderer upgrade)."""
    from forum.machine_translation import rerender

    with click.progressbar(length=rerender.total(), label="rendering") as bar:
        result = rerender.rerender(bar.update)
    click.echo(f"{result.checked} stored renderings checked, {result.changed} changed")


@mt_cli.command("retry")
def retry() -> None:
    """Queue failed and unavailable translation jobs again."""
    from forum.machine_translation import queue
    from forum.machine_translation.models import JobState

    count = queue.requeue((JobState.FAILED, JobState.UNAVAILABLE))
    click.echo(f"{count} translation jobs queued again")


@mt_cli.command("status")
@click.option("--check", "check", is_flag=True,
              help="Also find texts whose job says done without a current translation, "
                   "texts never queued and leftovers of erased texts, and repair them "
                   "(exit status 1 if anything was found).")
def status_command(check: bool) -> None:
    """Show coverage per language, the queue, and recent failures."""
    from forum.machine_translation import status

    for row in status.coverage(current_app.config["LANGUAGES"]):
        click.echo(f"{row.language}: {row.done}/{row.total} translated ({row.percent}%), "
                   f"{row.pending} pending, {row.failed} failed, {row.unavailable} unavailable")
    click.echo(f"queue: {status.queue_length()} jobs owed")
    for job in status.problems(10):
        click.echo(f"  {job.item_type} {job.item_id} -> {job.language}: {job.state}: "
                   f"{job.last_error}")
    if check:
        _check()


def _check() -> None:
    from forum.machine_translation.reconcile import check

    report = check()
    click.echo(f"check: {report.summary()}")
    for example in report.examples:
        click.echo(f"  {example}")
    if report.problems:
        raise SystemExit(1)
