"""The public site's download (#19 "public site"): the redacted data package, for anyone.

Reports are fictional.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

from fastapi.testclient import TestClient
from test_pages import client, csrf, log_in, upload  # noqa: F401 (the client fixture)


def _package(client: TestClient) -> zipfile.ZipFile:  # noqa: F811
    answer = client.get("/public/refwatch-public.zip")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    assert "attachment" in answer.headers["content-disposition"]
    return zipfile.ZipFile(io.BytesIO(answer.content))


def _incident_rows(package: zipfile.ZipFile) -> list[dict[str, str]]:
    return list(
        csv.DictReader(io.StringIO(package.read("refwatch-public/incidents.csv").decode("utf-8-sig")))
    )


def test_anyone_downloads_only_confirmed_incidents_redacted(client: TestClient) -> None:  # noqa: F811
    log_in(client)
    upload(client)
    ids = sorted({int(i) for i in re.findall(r'name="ids" value="(\d+)"', client.get("/incidents").text)})
    assert len(ids) >= 2
    form = {"csrf": csrf(client, "/incidents"), "ids": [str(ids[0])], "action": "confirm"}
    assert client.post("/incidents/bulk", data=form).status_code == 303
    client.post("/logout", data={"csrf": csrf(client, "/incidents")})

    package = _package(client)  # no account
    names = set(package.namelist())
    assert {"refwatch-public/datapackage.json", "refwatch-public/incidents.csv"} <= names
    assert json.loads(package.read("refwatch-public/datapackage.json"))["resources"]
    rows = _incident_rows(package)
    assert [row["id"] for row in rows] == [str(ids[0])]  # the unconfirmed candidate is not published
    body = b"".join(package.read(n) for n in names)
    assert b"North Korean defectors" not in body and b"rights group said" not in body  # no quoted text


def test_the_public_page_links_the_download(client: TestClient) -> None:  # noqa: F811
    assert 'href="/public/refwatch-public.zip"' in client.get("/public").text
