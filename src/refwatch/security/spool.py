"""A temporary file for uploads that never holds their plaintext.

An upload arrives before anyone knows whether it will be stored: the web
server must keep it somewhere while the request is read. Starlette spools
anything over 1 MB to a plaintext temporary file, and the old upload path wrote
every file to a temporary folder; a crash (or ``kill -9``) left those copies of
victim testimony on disk, outside the encrypted database.

:class:`SealedSpool` seals what is written to it with AES-GCM, chunk by chunk,
under a random key that exists only in this object's memory, into an anonymous
temporary file (``O_TMPFILE`` on Linux: it has no name, and the kernel frees
it when the process ends, however it ends). What a crash leaves behind, if
anything, is ciphertext under a key that died with the process. It also keeps
at most ``limit`` bytes, so an oversized upload cannot fill the disk: the
reader sees the first ``limit`` bytes and the size check refuses the file.

:func:`remove_leftover_uploads` clears the named folders older versions left in
the temporary directory; ``create_app`` calls it at start-up.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import stat
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024  # plaintext per sealed chunk: one encryption call per 64 KiB, ~0.1% overhead
LENGTH_BYTES = 4  # each sealed chunk is written after its length
LEFTOVER_PREFIX = "refwatch-upload-"  # the temporary folders earlier versions wrote uploads into


class SealedSpool:
    """A write-then-read temporary file whose contents on disk are AES-GCM ciphertext.

    Writes append; :meth:`seek` ``(0)`` seals what is pending and starts
    reading from the beginning (the use Starlette's form parser and our upload
    handler make of a file: write it all, rewind, read it once).

    Args:
        limit: keep at most this many bytes; the rest is counted and dropped.
        directory: where the anonymous file lives (the system temporary directory by default).

    Examples:
        >>> spool = SealedSpool(limit=5)
        >>> spool.write(b"fictional report")
        16
        >>> spool.seek(0)
        0
        >>> spool.read()
        b'ficti'
        >>> spool.close()
    """

    def __init__(self, *, limit: int | None = None, directory: str | None = None) -> None:
        self._aead: AESGCM | None = AESGCM(AESGCM.generate_key(bit_length=256))
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed by close()
        self._limit = limit
        self._pending = bytearray()  # plaintext not yet sealed: less than one chunk, in memory only
        self._sealed_chunks = 0
        self._next_chunk = 0  # the next chunk read() decrypts
        self._buffer = b""  # plaintext decrypted but not yet returned
        self.kept = 0
        self.dropped = 0

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._aead is None

    def write(self, data: bytes) -> int:
        """Append ``data`` (up to the limit); returns ``len(data)``, as a file does, even when dropped."""
        room = len(data) if self._limit is None else max(0, self._limit - self.kept)
        keep = data[:room]
        self.kept += len(keep)
        self.dropped += len(data) - len(keep)
        self._pending += keep
        while len(self._pending) >= CHUNK_BYTES:
            self._seal(bytes(self._pending[:CHUNK_BYTES]))
            del self._pending[:CHUNK_BYTES]
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Rewind to the start (the only move supported) after sealing what is pending."""
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a sealed spool can only rewind to its start")
        if self._pending:
            self._seal(bytes(self._pending))
            self._pending.clear()
        self._file.seek(0)
        self._next_chunk = 0
        self._buffer = b""
        return 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative) from the read position."""
        out = bytearray()
        while size < 0 or len(out) < size:
            if not self._buffer:
                chunk = self._open_next()
                if chunk is None:
                    break
                self._buffer = chunk
            take = len(self._buffer) if size < 0 else min(size - len(out), len(self._buffer))
            out += self._buffer[:take]
            self._buffer = self._buffer[take:]
        return bytes(out)

    def close(self) -> None:
        """Drop the key and the file; what was written can no longer be read by anyone."""
        self._aead = None
        self._pending.clear()
        self._buffer = b""
        self._file.close()

    def _seal(self, plaintext: bytes) -> None:
        aead = self._require_open()
        sealed = aead.encrypt(self._sealed_chunks.to_bytes(12, "big"), plaintext, None)
        position = self._file.tell()
        self._file.seek(0, io.SEEK_END)
        self._file.write(len(sealed).to_bytes(LENGTH_BYTES, "big") + sealed)
        self._file.seek(position)
        self._sealed_chunks += 1

    def _open_next(self) -> bytes | None:
        aead = self._require_open()
        if self._next_chunk >= self._sealed_chunks:
            return None
        head = self._file.read(LENGTH_BYTES)
        sealed = self._file.read(int.from_bytes(head, "big")) if len(head) == LENGTH_BYTES else b""
        # A chunk cut short or altered on disk fails authentication here rather than reading as text.
        plaintext = aead.decrypt(self._next_chunk.to_bytes(12, "big"), sealed, None)
        self._next_chunk += 1
        return plaintext

    def _require_open(self) -> AESGCM:
        if self._aead is None:
            raise ValueError("I/O operation on a closed sealed spool")
        return self._aead


def remove_leftover_uploads(directory: str | None = None) -> int:
    """Remove the upload folders earlier versions left in the temporary directory after a crash.

    Only folders named ``refwatch-upload-*`` that belong to this user are
    touched; links are never followed. Returns how many were removed.
    """
    root = Path(directory or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(root.glob(f"{LEFTOVER_PREFIX}*"))
    except OSError:
        return 0
    for entry in entries:
        try:
            info = entry.lstat()
            if info.st_uid != os.getuid():
                continue
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(entry)
            elif stat.S_ISREG(info.st_mode):
                entry.unlink()
            else:
                continue
        except OSError as exc:
            logger.warning("could not remove a leftover upload folder: %s", type(exc).__name__)
            continue
        removed += 1
    if removed:
        logger.info("removed %d leftover upload folder(s) from the temporary directory", removed)
    return removed
