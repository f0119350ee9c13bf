"""Page latency of ``storyline serve`` on a store: ``python -m storyline.serve.latency STORE``.

Starts the application under uvicorn on 127.0.0.1 (a free port), warms it, then sends a fixed
number of requests per page type from a few concurrent clients on loopback and prints p50/p95
(milliseconds) per page type. Bounded in count and time; nothing leaves this machine."""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

__all__ = ["main"]


def _pages(base: str, client: object) -> dict[str, list[str]]:
    import httpx

    assert isinstance(client, httpx.Client)
    stories = client.get(base + "/api/stories").json()
    entities = client.get(base + "/api/entities", params={"limit": 50, "type": "PERSON"}).json()
    arts = client.get(base + "/api/articles", params={"limit": 50}).json()["hits"]
    quotes = client.get(base + "/api/quotes", params={"limit": 50}).json()["hits"]
    words = ["said", "government", "minister", "election", "police", "market", "Trump", "Labour"]

    def q(path: str) -> str:
        return base + path

    return {
        "home": [q("/")],
        "story": [q("/stories/" + quote(s["id"], safe="")) for s in stories[:20]],
        "person": [q("/entities/" + quote(e["id"], safe="")) for e in entities[:30]],
        "article": [q("/articles/" + quote(a["id"], safe="")) for a in arts[:30]],
        "article+highlight": [
            q(
                f"/articles/{quote(h['quote']['article_id'], safe='')}?hl={h['quote']['start']}-{h['quote']['end']}"
            )
            for h in quotes[:30]
        ],
        "quote search": [q("/quotes?q=" + w) for w in words],
        "quote search by speaker": [
            q("/quotes?speaker=" + quote(e["id"], safe="")) for e in entities[:10]
        ],
        "article search": [q("/search?q=" + w) for w in words],
        "api quotes": [q("/api/quotes?q=" + w) for w in words],
        "api articles": [q("/api/articles?q=" + w) for w in words],
        "csv quotes": [q("/quotes.csv?q=" + w) for w in words[:3]],
    }


def _timed(client: object, url: str) -> tuple[float, int]:
    import httpx

    assert isinstance(client, httpx.Client)
    t = time.perf_counter()
    status = client.get(url).status_code
    return (time.perf_counter() - t) * 1000, status


def main(argv: Sequence[str] | None = None) -> int:
    import httpx
    import uvicorn

    from storyline.serve.app import create_app
    from storyline.serve.settings import ServeSettings

    p = argparse.ArgumentParser(prog="python -m storyline.serve.latency")
    p.add_argument("store")
    p.add_argument("--requests", type=int, default=60, help="per page type")
    p.add_argument("--clients", type=int, default=4)
    args = p.parse_args(argv)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    app = create_app(ServeSettings(store=Path(args.store), run_jobs=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=60) as c:
            t0 = time.perf_counter()
            c.get(base + "/quotes?q=warm")  # assembles the corpus and fills the indexes
            print(f"warm-up (corpus + indexes): {time.perf_counter() - t0:.2f} s", file=sys.stderr)
            pages = _pages(base, c)
        rng = random.Random(7)
        print(f"{'page':26} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, urls in pages.items():
            if not urls:
                continue
            todo = [rng.choice(urls) for _ in range(args.requests)]
            with httpx.Client(timeout=60) as client, ThreadPoolExecutor(args.clients) as pool:
                done = list(pool.map(lambda u, c=client: _timed(c, u), todo))
            times = sorted(ms for ms, _ in done)
            codes = {code for _, code in done}
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            bad = "" if codes == {200} else f"  statuses {sorted(codes)}"
            print(
                f"{name:26} {len(times):>4} {statistics.median(times):>8.1f} {p95:>8.1f} {times[-1]:>8.1f}{bad}"
            )
    finally:
        server.should_exit = True
        thread.join(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
