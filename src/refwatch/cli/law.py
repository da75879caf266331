"""`refwatch law classify`: the obligations incidents engage, for files of incidents (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from refwatch.cli.output import err_console, handles_errors
from refwatch.errors import InvalidInput
from refwatch.law import classify_incident

law_app = typer.Typer(help="International law engaged by incidents.", no_args_is_help=True)


@law_app.command("classify")
@handles_errors
def classify(
    incidents: Path = typer.Argument(..., help="Incidents in the extraction schema, one JSON object a line."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
) -> None:
    """Add to each incident its `legal` list: instrument, article, state, in_force, reason."""
    try:
        lines = incidents.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(f"cannot read {incidents}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{incidents} is not UTF-8 text; save it as UTF-8 JSON Lines") from None
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            incident = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"{incidents}, line {number}: not JSON ({exc.msg}); one incident a line"
            ) from None
        if not isinstance(incident, dict) or not isinstance(incident.get("event_types", []), list):
            raise InvalidInput(f"{incidents}, line {number}: not an incident (an object with event_types)")
        incident["legal"] = classify_incident(incident)
        out.append(json.dumps(incident, ensure_ascii=False))
    text = "".join(line + "\n" for line in out)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"{len(out)} incidents classified into {output}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `law` group."""
    app.add_typer(law_app, name="law")
