"""The ``--metadata`` table: per-document url, title, outlet, publication date, language.

A TSV or CSV file with a header row. Each row names its document by ``id`` (the
file stem, also used as the document's key) or by ``path`` (relative to the
metadata file's folder, or absolute). Errors name the file, line and column.

A publication date that cannot be read does not stop the table from loading: one
odd stamp among hundreds of rows must not abort a batch. The row keeps the text as
written, gets no date, and the table records a warning naming the file, line and
column (also logged, without the text itself).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from pathlib import Path

from refwatch.errors import InvalidInput
from refwatch.ingest.dates import PartialDateTime, parse_human_date
from refwatch.ingest.language import normalise_language

logger = logging.getLogger(__name__)

KNOWN_COLUMNS = frozenset(
    {"id", "path", "url", "title", "outlet", "publication_date", "language", "reliability"}
)


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """What the metadata table says about one document."""

    id: str | None = None
    path: Path | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    publication_date: PartialDateTime | None = None
    publication_date_text: str | None = None
    language: str | None = None
    reliability: str | None = None


@dataclass(frozen=True, slots=True)
class MetadataTable:
    """Rows of a metadata file, looked up by path or by file stem."""

    by_id: dict[str, DocumentMetadata]
    by_path: dict[Path, DocumentMetadata]
    warnings: tuple[str, ...] = field(default=())

    def for_file(self, path: Path) -> DocumentMetadata | None:
        """The row for ``path``: an exact path match first, then the file stem."""
        try:
            resolved = path.resolve()
        except OSError:
            resolved = path
        return self.by_path.get(resolved) or self.by_id.get(path.stem)


def load_metadata(file: Path) -> MetadataTable:
    """Read a metadata TSV/CSV; raise :class:`InvalidInput` naming the line and column at fault."""
    try:
        raw = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{file}: metadata file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{file}: cannot read the metadata file as UTF-8 text ({exc})") from None
    lines = raw.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidInput(f"{file}: the metadata file is empty; it needs a header row with 'id' or 'path'")
    delimiter = "\t" if file.suffix.lower() == ".tsv" or "\t" in lines[0] else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    if "id" not in header and "path" not in header:
        raise InvalidInput(
            f"{file}: the header needs an 'id' or a 'path' column (found: {', '.join(header)})"
        )
    by_id: dict[str, DocumentMetadata] = {}
    by_path: dict[Path, DocumentMetadata] = {}
    warnings: list[str] = []
    for line_no, row in enumerate(reader, start=2):
        clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        entry = _row(file, line_no, clean, warnings)
        if entry.id:
            if entry.id in by_id:
                raise InvalidInput(f"{file}, line {line_no}: id {entry.id!r} appears twice")
            by_id[entry.id] = entry
        if entry.path:
            by_path[entry.path] = entry
        if not entry.id and not entry.path:
            raise InvalidInput(f"{file}, line {line_no}: the row has neither an 'id' nor a 'path'")
    return MetadataTable(by_id=by_id, by_path=by_path, warnings=tuple(warnings))


def _readable_date(text: str, where: str, consequence: str, warnings: list[str]) -> PartialDateTime | None:
    """A publication date as people write it; one that cannot be read is a warning, never a stop."""
    try:
        return parse_human_date(text)
    except ValueError as exc:
        warnings.append(f"{where}: {exc}; {consequence} (write it as YYYY-MM-DD)")
        logger.warning("%s: not a date we can read; left empty", where)  # where, not the text: no user data
        return None


def _row(file: Path, line_no: int, row: dict[str, str], warnings: list[str]) -> DocumentMetadata:
    date_text = row.get("publication_date") or None
    date: PartialDateTime | None = None
    if date_text:
        where = f"{file}, line {line_no}, column publication_date"
        date = _readable_date(date_text, where, "the document gets no publication date", warnings)
    path: Path | None = None
    if row.get("path"):
        candidate = Path(row["path"])
        path = (candidate if candidate.is_absolute() else file.parent / candidate).resolve()
    language = normalise_language(row["language"]) if row.get("language") else None
    return DocumentMetadata(
        id=row.get("id") or None,
        path=path,
        url=row.get("url") or None,
        title=row.get("title") or None,
        outlet=row.get("outlet") or None,
        publication_date=date,
        publication_date_text=date_text,
        language=language,
        reliability=row.get("reliability") or None,
    )


#: Addresses a document may link to: anything else ("javascript:", "data:") would run or hide in a page.
WEB_SCHEMES = ("http://", "https://")
#: Lengths the upload form accepts, as the database columns hold them.
MAX_TITLE = 500
MAX_OUTLET = 300
MAX_URL = 2000


def upload_details(
    *, title: str = "", outlet: str = "", url: str = "", publication_date: str = "", language: str = ""
) -> tuple[DocumentMetadata | None, list[str]]:
    """The metadata an uploader typed beside the files, read as a ``--metadata`` row is, and warnings.

    Like a row of a metadata table, a value that cannot be used never stops the upload: a
    date that cannot be read or an address that is not a web address is left out, and the
    warning says which field and what to do. Nothing typed gives None.
    """
    warnings: list[str] = []
    title, outlet, url, date_text = (v.strip() for v in (title, outlet, url, publication_date))
    for name, value, limit in (
        ("title", title, MAX_TITLE),
        ("outlet", outlet, MAX_OUTLET),
        ("url", url, MAX_URL),
    ):
        if len(value) > limit:
            raise InvalidInput(f"{name}: at most {limit} characters (got {len(value)})")
    if url and not url.lower().startswith(WEB_SCHEMES):
        warnings.append(f"url: {url!r} is not a web address (http:// or https://); the documents get none")
        url = ""
    date: PartialDateTime | None = None
    if date_text:
        date = _readable_date(date_text, "publication date", "the documents get none", warnings)
    code = normalise_language(language) if language.strip() and language != "auto" else None
    if not any((title, outlet, url, date_text, code)):
        return None, warnings
    details = DocumentMetadata(
        url=url or None,
        title=title or None,
        outlet=outlet or None,
        publication_date=date,
        publication_date_text=date_text or None,
        language=code,
    )
    return details, warnings
