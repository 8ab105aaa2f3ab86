"""`forum residents …`: make, list and withdraw batches of verification codes."""
from __future__ import annotations

from pathlib import Path

import click
from flask import render_template
from flask.cli import AppGroup

residents_cli = AppGroup("residents", help="Verification codes for residents.")


@residents_cli.command("codes")
@click.argument("count", type=click.IntRange(1, 100_000))
@click.option("--label", required=True, help="What the batch is for, e.g. 'Letter, March 2027'.")
@click.option("--district", default=None, help="Given to each account that redeems a code.")
@click.option("--valid-days", type=click.IntRange(1, 3650), default=None)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the codes as CSV (for a mail merge).")
@click.option("--sheet", "sheet_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a printable HTML sheet, one card per code.")
def make_codes(count, label, district, valid_days, csv_path, sheet_path) -> None:
    """Make COUNT one-time codes; they are written out now and never shown again."""
    from forum.residents.service import create_batch
    from forum.residents.sheets import rows_csv
    from forum.web.links import public_url

    for path in (csv_path, sheet_path):
        if path is not None and path.exists():
            raise click.ClickException(f"{path} exists; codes are never written over a file")
    batch, codes = create_batch(count, label, district, valid_days=valid_days)
    verify_url = public_url("residents.verify")
    if csv_path is None and sheet_path is None:
        click.echo(rows_csv(batch, codes, verify_url), nl=False)
        return
    if csv_path is not None:
        _write_private(csv_path, rows_csv(batch, codes, verify_url))
    if sheet_path is not None:
        _write_private(sheet_path, render_template("residents/sheet_file.html", batch=batch,
                                                   codes=codes, verify_url=verify_url))
    click.echo(f"batch {batch.id}: {count} codes" + "".join(
        f"\n  {path}" for path in (csv_path, sheet_path) if path is not None))


def _write_private(path: Path, text: str) -> None:
    path.touch(mode=0o600, exist_ok=False)  # only the operator reads the codes
    path.write_text(text, encoding="utf-8")


@residents_cli.command("batches")
def list_batches() -> None:
    """List the batches: codes, redeemed, accounts verified, state."""
    from forum.residents.service import batches

    for batch, redeemed, verified in batches():
        state = "withdrawn" if batch.revoked_at else "valid"
        click.echo(f"{batch.id}\t{batch.label}\t{batch.district or '-'}\t{batch.size} codes\t"
                   f"{redeemed} redeemed\t{verified} verified\t{state}")


@residents_cli.command("revoke")
@click.argument("batch_id", type=int)
def revoke(batch_id: int) -> None:
    """Withdraw a batch: its codes stop working and its accounts are verified no more."""
    from forum.db import db
    from forum.residents.models import VerificationBatch
    from forum.residents.service import revoke_batch

    batch = db.session.get(VerificationBatch, batch_id)
    if batch is None:
        raise click.ClickException(f"no batch {batch_id}")
    click.echo(f"batch {batch_id} withdrawn; {revoke_batch(batch)} accounts no longer verified")
