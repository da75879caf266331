"""The gazetteer search behind the place boxes of the entry and edit forms (any logged-in reader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from refwatch.services.place_search import search_places
from refwatch.web.deps import User
from refwatch.web.rendering import language

router = APIRouter(include_in_schema=False)


@router.get("/places")
def places(
    request: Request,
    caller: User,
    q: Annotated[str, Query(max_length=100, description="Any name of the place.")] = "",
) -> JSONResponse:
    """Gazetteer entries with a name containing ``q`` (any script), labelled in the reader's language."""
    found = search_places(q, language=language(request))
    return JSONResponse({"items": [c.to_dict() for c in found]})
