"""Long working texts are stored in segments (issue #20: one 50 MB report in bounded memory).

A table of pieces (``document_segments``: document, number, offset of its first
character, plaintext or sealed piece) and a count on ``documents``
(``text_segments``; 0: the text is in the row, as before). Each piece gets the
search index its table's text has: an FTS5 trigram table with its triggers on
SQLite, a ``pg_trgm`` GIN index on PostgreSQL.

Documents already stored with a text longer than one segment are moved into
segments, one document at a time (a sealed text is opened and its pieces sealed
again, each bound to the hash and its number: ``refwatch init`` loads the data
keys first). The downgrade joins them back into the row, sealed again whole
where they were sealed.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from refwatch.storage import sealing

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FTS = "document_segments_fts"
TRGM = "ix_document_segments_text_trgm"

documents = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("text", sa.Text),
    sa.column("sealed_text", sa.LargeBinary),
    sa.column("text_segments", sa.Integer),
)
pieces = sa.table(
    "document_segments",
    sa.column("document_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("start", sa.Integer),
    sa.column("sha256", sa.String),
    sa.column("text", sa.Text),
    sa.column("sealed_text", sa.LargeBinary),
)


def _size() -> int:
    from refwatch.storage.segments import SEGMENT_CHARS

    return int(SEGMENT_CHARS)


def upgrade() -> None:
    op.create_table(
        "document_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sealed_text", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_document_segments_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_document_segments"),
        sa.UniqueConstraint("document_id", "seq", name="uq_document_segments_document_id"),
    )
    op.add_column("documents", sa.Column("text_segments", sa.Integer(), nullable=False, server_default="0"))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in (
            "CREATE VIRTUAL TABLE document_segments_fts USING fts5("
            "text, content='document_segments', content_rowid='id', tokenize='trigram')",
            "CREATE TRIGGER document_segments_fts_insert AFTER INSERT ON document_segments BEGIN "
            "INSERT INTO document_segments_fts(rowid, text) VALUES (new.id, new.text); END",
            "CREATE TRIGGER document_segments_fts_delete AFTER DELETE ON document_segments BEGIN "
            "INSERT INTO document_segments_fts(document_segments_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); END",
            "CREATE TRIGGER document_segments_fts_update AFTER UPDATE OF text ON document_segments BEGIN "
            "INSERT INTO document_segments_fts(document_segments_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); "
            "INSERT INTO document_segments_fts(rowid, text) VALUES (new.id, new.text); END",
        ):
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {TRGM} ON document_segments USING gin (text gin_trgm_ops)")
    _split_long_texts(bind, _size())


def _split_long_texts(bind: sa.Connection, size: int) -> None:
    """Move each text over one segment into segments, one document at a time."""
    # Characters never outnumber UTF-8 bytes: a sealed text of at most ``size`` bytes is short.
    long_ones = bind.execute(
        sa.select(documents.c.id, documents.c.sha256)
        .where(
            sa.or_(sa.func.length(documents.c.text) > size, sa.func.length(documents.c.sealed_text) > size)
        )
        .order_by(documents.c.id)
    ).all()
    for document_id, sha256 in long_ones:
        row = bind.execute(
            sa.select(documents.c.text, documents.c.sealed_text).where(documents.c.id == document_id)
        ).one()
        sealed = row.sealed_text is not None
        if sealed:
            text = sealing.open_bytes(
                bytes(row.sealed_text), table="documents", uid=sha256, column="sealed_text"
            ).decode("utf-8")
        else:
            text = str(row.text)
        del row
        if len(text) <= size:
            continue
        n = -(-len(text) // size)
        for seq in range(n):
            piece = text[seq * size : (seq + 1) * size]
            sealed_piece = (
                sealing.seal_bytes(
                    piece.encode("utf-8"),
                    table="document_segments",
                    uid=f"{sha256}:{seq}",
                    column="sealed_text",
                )
                if sealed
                else None
            )
            bind.execute(
                pieces.insert().values(
                    document_id=document_id,
                    seq=seq,
                    start=seq * size,
                    sha256=sha256,
                    text="" if sealed else piece,
                    sealed_text=sealed_piece,
                )
            )
        bind.execute(
            documents.update()
            .where(documents.c.id == document_id)
            .values(text="", sealed_text=None, text_segments=n)
        )


def downgrade() -> None:
    bind = op.get_bind()
    stored = bind.execute(
        sa.select(documents.c.id, documents.c.sha256)
        .where(documents.c.text_segments > 0)
        .order_by(documents.c.id)
    ).all()
    for document_id, sha256 in stored:
        parts: list[str] = []
        sealed = False
        for seq, text, sealed_piece in bind.execute(
            sa.select(pieces.c.seq, pieces.c.text, pieces.c.sealed_text)
            .where(pieces.c.document_id == document_id)
            .order_by(pieces.c.seq)
        ):
            if sealed_piece is None:
                parts.append(str(text))
            else:
                sealed = True
                parts.append(
                    sealing.open_bytes(
                        bytes(sealed_piece),
                        table="document_segments",
                        uid=f"{sha256}:{seq}",
                        column="sealed_text",
                    ).decode("utf-8")
                )
        whole = "".join(parts)
        del parts
        values: dict[str, object] = (
            {
                "text": "",
                "sealed_text": sealing.seal_bytes(
                    whole.encode("utf-8"), table="documents", uid=sha256, column="sealed_text"
                ),
            }
            if sealed
            else {"text": whole}
        )
        bind.execute(documents.update().where(documents.c.id == document_id).values(**values))
    if bind.dialect.name == "sqlite":
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif bind.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRGM}")
    op.drop_column("documents", "text_segments")
    op.drop_table("document_segments")
