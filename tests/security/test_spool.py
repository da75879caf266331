"""The sealed spool: only ciphertext on disk, no more than its limit kept, and it reads back exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given, settings
from hypothesis import strategies as st

from refwatch.security.spool import CHUNK_BYTES, SealedSpool, remove_leftover_uploads

TEXT = b"FICTIONAL testimony, 2031: twelve people were returned across the river at Tumen. "


def backing_bytes(spool: SealedSpool) -> bytes:
    """Everything in the spool's file on disk, read through a second descriptor."""
    with open(f"/proc/self/fd/{spool._file.fileno()}", "rb") as handle:
        return handle.read()


def test_disk_holds_only_ciphertext_and_reads_back_exactly(tmp_path: Path) -> None:
    spool = SealedSpool(directory=str(tmp_path))
    data = TEXT * (3 * CHUNK_BYTES // len(TEXT) + 7)  # several whole chunks and a part
    for start in range(0, len(data), 1000):
        spool.write(data[start : start + 1000])
    spool.seek(0)
    on_disk = backing_bytes(spool)
    assert len(on_disk) > len(data)  # everything sealed, tags and lengths added
    assert b"FICTIONAL" not in on_disk and b"Tumen" not in on_disk
    assert spool.read(10) + spool.read() == data
    assert list(tmp_path.iterdir()) == []  # anonymous: no name in the folder
    spool.close()
    with pytest.raises(ValueError, match="closed"):
        spool.read()


def test_keeps_at_most_its_limit() -> None:
    spool = SealedSpool(limit=CHUNK_BYTES + 5)
    for _ in range(100):
        spool.write(TEXT * 100)
    spool.seek(0)
    assert spool.read() == (TEXT * 100 * 100)[: CHUNK_BYTES + 5]
    assert (spool.kept, spool.dropped) == (CHUNK_BYTES + 5, len(TEXT) * 100 * 100 - CHUNK_BYTES - 5)
    spool.close()


def test_altered_ciphertext_is_refused() -> None:
    spool = SealedSpool()
    spool.write(TEXT)
    spool.seek(0)
    fd = spool._file.fileno()
    os.pwrite(fd, bytes([os.pread(fd, 1, 10)[0] ^ 1]), 10)
    with pytest.raises(InvalidTag):
        spool.read()
    spool.close()


@settings(max_examples=50, deadline=None)
@given(pieces=st.lists(st.binary(max_size=3 * CHUNK_BYTES // 2), max_size=6), size=st.integers(-1, 5000))
def test_reads_back_what_was_written_in_any_pieces(pieces: list[bytes], size: int) -> None:
    spool = SealedSpool()
    for piece in pieces:
        assert spool.write(piece) == len(piece)
    spool.seek(0)
    data = b"".join(pieces)
    assert spool.read(size) == (data if size < 0 else data[:size])
    spool.seek(0)
    assert spool.read() == data
    spool.close()


def test_leftover_removal_takes_only_our_folders_and_follows_no_link(tmp_path: Path) -> None:
    (tmp_path / "refwatch-upload-abc" / "000").mkdir(parents=True)
    (tmp_path / "refwatch-upload-abc" / "000" / "r.txt").write_bytes(TEXT)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"keep")
    (tmp_path / "refwatch-upload-link").symlink_to(outside)
    (tmp_path / "other-upload-abc").mkdir()

    assert remove_leftover_uploads(str(tmp_path)) == 1

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "other-upload-abc",
        "outside",
        "refwatch-upload-link",
    ]
    assert (outside / "keep.txt").read_bytes() == b"keep"
