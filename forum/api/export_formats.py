"""Write the open-data export as CSV files or as one JSON document, batch by batch.

CSV: one file per kind of record. Each text has its original (`title`, with the item's
`language`) and, per configured language, a column with its machine translation and one
naming the engine that made it (`title_en`, `title_en_engine`), empty where there is none.
Cells that a spreadsheet would run as a formula (starting with =, +, @, or - and no space)
get a leading apostrophe; the JSON document has every text exactly as written.

JSON: one document, `{"format", "version", "generated_at", "languages", "topics": […],
"proposals": […], "comments": […], "answers": […], "milestones": […]}`, one record per
line inside the arrays, so it can be read whole or streamed line by line.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from forum.api.export import SOURCES, Source, batches
from forum.db import utcnow

FORMAT_VERSION = 1
_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def csv_columns(source: Source, languages: list[str]) -> list[str]:
    """Name the columns of a source's CSV file."""
    columns = list(source.columns)
    for text_field in source.texts:
        columns.append(text_field.name)
        for language in languages:
            columns += [f"{text_field.name}_{language}", f"{text_field.name}_{language}_engine"]
    return columns


def csv_cell(value) -> str | int:
    """Write one value as a CSV cell, defusing text a spreadsheet would run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value and (
            value.startswith(_FORMULA_STARTS)
            or (value[0] == "-" and len(value) > 1 and not value[1].isspace())):
        return "'" + value
    return value


def _csv_row(record: dict, source: Source, languages: list[str]) -> list:
    row = [record[name] for name in source.columns]
    for text_field in source.texts:
        text = record[text_field.name]
        translated = {t["language"]: t for t in (text or {}).get("translations", [])}
        row.append(text["text"] if text else None)
        for language in languages:
            found = translated.get(language)
            row += [found["text"], found["engine"]] if found else [None, None]
    return [csv_cell(value) for value in row]


def csv_chunks(source: Source, languages: list[str], batch_size: int) -> Iterator[str]:
    """Yield a source's CSV file, header first, one chunk per batch of records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_columns(source, languages))
    yield _drain(buffer)
    for records in batches(source, batch_size):
        writer.writerows(_csv_row(record, source, languages) for record in records)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def json_chunks(languages: list[str], batch_size: int, site: str) -> Iterator[str]:
    """Yield the whole export as one JSON document, one chunk per batch of records."""
    head = {"format": "agora-open-data", "version": FORMAT_VERSION, "site": site,
            "generated_at": utcnow().isoformat(timespec="seconds") + "Z",
            "languages": languages}
    yield json.dumps(head, ensure_ascii=False)[:-1]  # the document stays open for the lists
    for name, source in SOURCES.items():
        yield f',\n"{name}": ['
        separator = "\n"
        for records in batches(source, batch_size):
            yield separator + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
            separator = ",\n"
        yield "\n]"
    yield "}\n"
