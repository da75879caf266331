"""The arguments `documents restrict` and `incidents restrict` share, and their one check."""

from __future__ import annotations

from typing import Annotated

import typer

from refwatch.errors import InvalidInput

Group = Annotated[str | None, typer.Argument(help="The group that may see it; leave out with --none.")]
Lift = Annotated[bool, typer.Option("--none", help="Lift the restriction.")]
Reason = Annotated[str, typer.Option("--reason", help="Why: kept in the audit log.")]


def chosen_group(group: str | None, lift: bool) -> str | None:
    """The group asked for, or None to lift; exactly one of the two must be given."""
    if (group is None) == (not lift):
        raise InvalidInput("give a GROUP, or --none to lift the restriction")
    return group
