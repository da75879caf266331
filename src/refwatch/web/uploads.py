"""Multipart forms whose files are spooled sealed, never as plaintext on disk.

Starlette's form parser keeps each uploaded file in a ``SpooledTemporaryFile``
that moves to a plaintext temporary file past 1 MB, before any route code runs.
:class:`SealedFormRoute` parses ``multipart/form-data`` bodies itself, with the
same parser but with every file in a :class:`~refwatch.security.spool.SealedSpool`
capped at ``max_file_bytes + 1`` (the one byte over lets the size check refuse
the file with its usual message), and hands the parsed form to FastAPI, which
then reads it instead of parsing again. Routers that take uploads use it as
their ``route_class``; other bodies pass through untouched.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Any, BinaryIO, cast

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from refwatch.security.spool import SealedSpool

MAX_FORM_FILES = 100  # more than the 50 an upload accepts, so the route's own, clearer refusal answers
MAX_FORM_FIELDS = 100


class SealedMultiPartParser(MultiPartParser):
    """Starlette's parser with each file part written to a :class:`SealedSpool` of at most ``limit`` bytes."""

    def __init__(self, headers: Headers, stream: AsyncGenerator[bytes, None], *, limit: int) -> None:
        super().__init__(headers, stream, max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)
        self._limit = limit

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        upload = self._current_part.file
        if upload is None:
            return
        spooled = upload.file  # Starlette's SpooledTemporaryFile: nothing written to it yet
        spool = SealedSpool(limit=self._limit)
        upload.file = cast(BinaryIO, spool)
        self._files_to_close_on_error.remove(spooled)  # type: ignore[arg-type]
        self._files_to_close_on_error.append(spool)  # type: ignore[arg-type]
        spooled.close()


class SealedFormRoute(APIRoute):
    """An API route that parses multipart bodies with :class:`SealedMultiPartParser` (see the module)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def sealed_form_handler(request: Request) -> Response:
            if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
                request._form = await _parse_sealed(request)  # FastAPI's request.form() returns it as is
            return await handler(request)

        return sealed_form_handler


async def _parse_sealed(request: Request) -> FormData:
    limit = request.app.state.settings.max_file_bytes + 1
    parser = SealedMultiPartParser(request.headers, request.stream(), limit=limit)
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail=exc.message) from exc
