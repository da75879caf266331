"""Reading untrusted PDF and HTML files in a worker process with CPU and memory limits.

pypdf and trafilatura (lxml) run on whatever bytes an uploader sends. A 120 KB
PDF that names one page 20,000 times kept a core busy for minutes; a hostile
file can as easily ask for gigabytes. Inside the server that stalls a worker
and can take the machine's memory with it, so each PDF or HTML file is read in
a fresh child process that sets ``RLIMIT_CPU`` and ``RLIMIT_AS`` on itself
first. When it passes a limit it dies (``SIGXCPU``) or fails to allocate, and
the caller gets an :class:`~refwatch.errors.IngestError` naming the file;
nothing else is affected. A wall-clock deadline (a few times the CPU limit)
also stops a child that sleeps or waits.

Children come from a ``forkserver`` that has already imported the readers, so
one costs a fork (some milliseconds), not a fresh interpreter; each file gets
its own child because CPU limits count over a process's whole life. The bytes
travel over a pipe, never through a file. As with any ``multiprocessing``
use, a script that ingests must guard its top level with
``if __name__ == "__main__":`` (the ``refwatch`` command and the servers do).
Plain text and Markdown are decoded
in-process: decoding is linear and bounded by the size limit.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from refwatch.config import Settings
from refwatch.errors import IngestError
from refwatch.ingest.readers import ReadResult, media_type_for, read_document

logger = logging.getLogger(__name__)

ISOLATED_TYPES = frozenset({"application/pdf", "text/html"})
# What the fork server imports once, so that a child costs a fork. Each child also re-runs the main
# script (Python 3.11 never preloads it), which is cheap only when what it imports is already here:
# the `refwatch` command's script imports refwatch.cli.app, whose commands import the rest.
PRELOAD = ["__main__", "refwatch.cli.app", "refwatch.ingest.readers", "pypdf", "trafilatura"]
WALL_FACTOR = 3  # the wall-clock deadline, in CPU limits: a busy machine still gets the file read
WALL_GRACE_SECONDS = 10  # plus the child's start and the transfer of a large text back
CPU_EXIT_CODE = 24  # how a child ends at its CPU limit (24 is SIGXCPU's number)


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """The limits one untrusted file is read under (``REFWATCH_PARSE_*``, ``REFWATCH_PDF_MAX_PAGES``).

    The defaults are those of :class:`~refwatch.config.Settings`.
    """

    cpu_seconds: int = Settings.model_fields["parse_cpu_seconds"].default
    memory_mb: int = Settings.model_fields["parse_memory_mb"].default
    pdf_max_pages: int = Settings.model_fields["pdf_max_pages"].default

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        """The limits in force for ``settings``."""
        return cls(
            cpu_seconds=settings.parse_cpu_seconds,
            memory_mb=settings.parse_memory_mb,
            pdf_max_pages=settings.pdf_max_pages,
        )


def read_isolated(path: Path, data: bytes, limits: ParseLimits | None = None) -> ReadResult:
    """Read ``data`` (the bytes of ``path``) as :func:`read_document` does, PDF and HTML in a limited child.

    Raises:
        IngestError: the file cannot be read, or its reading passed a limit (the message says which).
    """
    limits = limits or ParseLimits()
    if not data or media_type_for(path) not in ISOLATED_TYPES:
        return read_document(path, data, max_pdf_pages=limits.pdf_max_pages)
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_read_in_child,
        args=(sender, path, data, limits),
        name="refwatch-parse",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        deadline = limits.cpu_seconds * WALL_FACTOR + WALL_GRACE_SECONDS
        answer: dict[str, object] | None = None
        if receiver.poll(deadline):
            try:
                answer = _decode(receiver.recv_bytes())
            except EOFError:
                answer = None  # the child died before it answered: see its exit code below
            child.join(timeout=5)
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()
    return _result(path, answer, child.exitcode, limits)


def _decode(raw: bytes) -> dict[str, object] | None:
    """The child's answer: JSON, not pickle, since a child subverted by its input must not run code here."""
    try:
        answer = json.loads(raw)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _result(
    path: Path, answer: dict[str, object] | None, exitcode: int | None, limits: ParseLimits
) -> ReadResult:
    if answer is not None:
        outcome = answer.get("outcome")
        if outcome == "ok":
            return _read_result(path, answer)
        if outcome == "refused":
            raise IngestError(path, str(answer.get("reason")))
        if outcome == "memory":
            raise _over_memory(path, limits)
        logger.warning("reading a document failed in its worker process: %s", answer.get("error"))
        raise IngestError(path, f"internal error while reading the file ({answer.get('error')})")
    if exitcode in (CPU_EXIT_CODE, -signal.SIGXCPU, -signal.SIGKILL, None):
        logger.info("document reader stopped at its CPU or time limit (exit code %s)", exitcode)
        raise IngestError(
            path,
            f"reading the file took more than {limits.cpu_seconds} s of CPU; it may be hostile or "
            "damaged (raise REFWATCH_PARSE_CPU_SECONDS to allow more)",
        )
    logger.info("document reader died with exit code %s", exitcode)
    raise IngestError(
        path,
        f"the file could not be read: its reader process stopped (exit code {exitcode}); the file may be "
        f"hostile or damaged, or need more than {limits.memory_mb} MiB of memory "
        "(raise REFWATCH_PARSE_MEMORY_MB to allow more)",
    )


def _over_memory(path: Path, limits: ParseLimits) -> IngestError:
    return IngestError(
        path,
        f"reading the file needed more than {limits.memory_mb} MiB of memory; it may be hostile or "
        "damaged (raise REFWATCH_PARSE_MEMORY_MB to allow more)",
    )


def _read_result(path: Path, answer: dict[str, object]) -> ReadResult:
    text, media_type, charset, title = (answer.get(k) for k in ("text", "media_type", "charset", "title"))
    if not (
        isinstance(text, str)
        and isinstance(media_type, str)
        and isinstance(charset, str | None)
        and isinstance(title, str | None)
    ):
        raise IngestError(path, "internal error while reading the file (a malformed answer)")
    return ReadResult(text=text, media_type=media_type, charset=charset, title=title)


def _read_in_child(sender: Connection, path: Path, data: bytes, limits: ParseLimits) -> None:
    """The child's whole life: limit itself, read, send one answer."""
    _limit_self(limits)
    answer: dict[str, object]
    try:
        read = read_document(path, data, max_pdf_pages=limits.pdf_max_pages)
        answer = {"outcome": "ok", **dataclasses.asdict(read)}
    except IngestError as exc:
        answer = {"outcome": "refused", "reason": exc.reason}
    except MemoryError:
        answer = {"outcome": "memory"}
    except Exception as exc:  # an unexpected failure of a library on odd input: report its kind only
        answer = {"outcome": "error", "error": type(exc).__name__}
    try:
        sender.send_bytes(json.dumps(answer).encode())
    except MemoryError:
        sender.send_bytes(b'{"outcome": "memory"}')
    finally:
        sender.close()


def _limit_self(limits: ParseLimits) -> None:
    if sys.platform == "win32":  # pragma: no cover - no resource limits there; the deadline still holds
        return
    import os
    import resource

    # No core dump, ever: it would put the document's text on disk. At the soft CPU limit the
    # child just exits; the hard limit a second later kills it if it is stuck inside C code.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXCPU, lambda _signum, _frame: os._exit(CPU_EXIT_CODE))
    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU at the soft limit, SIGKILL after
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


Context = multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
_CONTEXT: Context | None = None


def worker_context() -> Context:
    """The context ingest's worker processes start from: this module's forkserver (or spawn).

    A worker is a fresh process, not a fork of the caller with its open database connections
    and threads; it may itself start the limited children that read PDF and HTML.
    """
    return _context()


def _context() -> Context:
    """The forkserver context (spawn where there is none), its server preloaded with the readers."""
    global _CONTEXT
    if _CONTEXT is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(PRELOAD)
            _CONTEXT = forkserver
        else:  # pragma: no cover - Windows
            _CONTEXT = multiprocessing.get_context("spawn")
    return _CONTEXT
