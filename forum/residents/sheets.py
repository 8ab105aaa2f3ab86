"""A batch's codes written out to hand over: CSV for a mail merge (the printable sheet is
the template residents/sheet.html, or sheet_file.html for the command line)."""
from __future__ import annotations

import csv
import io

from flask import current_app

from forum.residents.models import VerificationBatch


def rows_csv(batch: VerificationBatch, codes: list[str], verify_url: str) -> str:
    """Write a batch's codes as CSV, one row per code, for a mail merge."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["batch", "label", "district", "code", "redeem_at", "expires_at", "site"])
    for code in codes:
        writer.writerow([batch.id, batch.label, batch.district or "", code, verify_url,
                         batch.expires_at.isoformat() + "Z" if batch.expires_at else "",
                         current_app.config["SITE_NAME"]])
    return out.getvalue()
