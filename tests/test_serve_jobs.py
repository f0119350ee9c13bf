"""Background builds of the web application (issue 12): an upload is built in a worker process
through the pipeline, incrementally, with its stages and progress on the job, and the new article
is then on the pages; a bad file in it is listed with its reason on the build status page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from serve_helpers import TOKEN, copy_store, example_store
from storyline.serve.app import create_app
from storyline.serve.settings import ServeSettings

NEW = (
    " date 2024-11-08\n"
    "Starmer and Trump speak again\n\n"
    'Keir Starmer said on Friday: "We will work closely with the new administration on trade." '
    "The Prime Minister told reporters in Downing Street that the special relationship would endure.\n"
)


def _wait(c: TestClient, job_id: int, seconds: float = 180) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed", "cancelled"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish: {job}")


@pytest.mark.slow
def test_serve_upload_is_built_in_the_background_and_shows_up(tmp_path: Path) -> None:
    base = example_store(tmp_path / "base")
    store = copy_store(base, tmp_path / "w")
    # The example's input folder is the last build's input: it must still be there.
    app = create_app(ServeSettings(store=store, token=TOKEN))
    h = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app, raise_server_exceptions=False) as c:
        before = c.get("/api/builds").json()[0]["articles"]
        r = c.post(
            "/api/uploads",
            headers=h,
            files=[
                ("files", ("starmer-trade.txt", NEW.encode(), "text/plain")),
                (
                    "files",
                    ("broken.jsonl", b'{"text": "fine record"}\n{not json\n', "application/json"),
                ),
            ],
        )
        assert r.status_code == 200, r.text
        job = _wait(c, r.json()["job_id"])
        assert job["state"] == "done", job
        assert any(line.startswith("stage analyse") for line in job["log"]), job["log"]
        assert job["build_id"] and "errors" in job["message"]
        assert c.get("/api/builds").json()[0]["articles"] == before + 2
        hits = c.get("/api/quotes", params={"q": '"new administration on trade"'}).json()
        assert (
            hits["total"] == 1 and hits["hits"][0]["quote"]["speaker_entity_id"] == "e-keir-starmer"
        )
        page = c.get("/builds")
        assert "broken.jsonl" in page.text and "state-done" in page.text
        # Re-running the failed ones reads the broken file again (still broken: still listed).
        retry = c.post("/api/builds/retry", headers=h)
        assert retry.status_code == 200, retry.text
        assert "broken.jsonl" in " ".join(a["source"] for a in retry.json()["accepted"])
        job_id = retry.json()["job_id"]
        deadline = time.monotonic() + 30
        while job_id is None and time.monotonic() < deadline:  # it waited for the first build
            time.sleep(0.5)
            job_id = next(
                (j["id"] for j in c.get("/api/jobs").json() if "retry" in j["kind"]), None
            )
        again = _wait(c, job_id)
        assert again["state"] == "done" and "1 read" in again["message"], again
