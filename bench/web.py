"""The web app under a bounded loopback load: Curated Daily, search and paper page latency against a real
`academichub serve`, as ratios to a trivial static route served by the same server in the same run.

The store: the fixtures corpus (arXiv cs daily listings) ingested for real, then copied with fresh ids and
earlier announcement days until it holds --papers papers; every paper gets a hashing-embedder vector up
front; --radars radars for the signed-in user. Target: Curated Daily p95 <= 50 ms.

The server is one `academichub serve` (uvicorn, --workers processes, sync routes on each one's thread
pool). The warm-up views each radar's list 2 × workers times on fresh connections (building its picks once),
so the measured Curated Daily views are repeat views served from the rendered-list cache; the warm-up line
shows first-view cost. It also loads each worker's search facets and related-papers index. Each client
keeps one connection per route and the kernel gives each connection to one worker, so with --workers the
load is split only as evenly as the accepts happened to be. The resident memory of the server processes
is printed at the end.

    python bench/web.py [--papers 100000] [--radars 50] [--requests 400] [--clients 4] [--workers 1] [--home DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import httpx  # noqa: E402

from academichub.config import Settings  # noqa: E402
from academichub.models import Paper, Radar  # noqa: E402
from academichub.pipeline import ingest_files  # noqa: E402
from academichub.pipeline.paper_vectors import embed_papers  # noqa: E402
from academichub.rank.embedders import embedder_named  # noqa: E402
from academichub.store import Store, open_store  # noqa: E402
from academichub.web import security  # noqa: E402

CORPUS = REPO.parent / "shared" / "fixtures" / "arxiv-corpus" / "daily-cs_dw-dengwei"
PASSWORD = "bench horse battery staple"
COPY_SHIFT_DAYS = 70  # each copy is announced this much earlier than the one before, so days keep their size
WRITE_BATCH = 2000
SEARCH_WORDS = ["transformer", "diffusion", "reinforcement learning", "graph", "language model", "robot",
                "privacy", "quantum", "segmentation", "benchmark", "causal", "retrieval"]  # fmt: skip
TOPICS = ["large language model reasoning", "diffusion image generation", "graph neural networks",
          "reinforcement learning robotics", "federated learning privacy", "speech recognition",
          "medical image segmentation", "code generation agents", "recommender systems",
          "3D scene reconstruction"]  # fmt: skip


def build_store(home: Path, papers: int, radars: int, real_days: int) -> None:
    settings = Settings(home=home, embedder="hashing")
    with open_store(settings.resolved_database_url) as store:
        started = time.perf_counter()
        files = sorted(CORPUS.glob("*.jsonl"))[-real_days:]
        ingest_files(store, files)
        real = store.list_papers(limit=papers)
        print(f"ingested {len(files)} real days: {len(real):,} papers in {time.perf_counter() - started:.1f} s")
        copy_papers(store, real, papers - len(real))
        embedder = embedder_named("hashing")
        started = time.perf_counter()
        for start in range(0, papers, WRITE_BATCH * 5):
            embed_papers(store, embedder, store.list_papers(limit=WRITE_BATCH * 5, offset=start))
        print(f"vectors for {store.count_papers():,} papers in {time.perf_counter() - started:.1f} s")
        store.create_first_admin("bench", security.hash_password(PASSWORD), "en")
        rng = random.Random(5)
        for n in range(radars):
            topic = TOPICS[n % len(TOPICS)]
            store.save_radar(Radar(name=f"radar-{n:02d}", user_id=1, description=topic,
                                   keywords=tuple(rng.sample(SEARCH_WORDS, 2)), size=20))  # fmt: skip


def copy_papers(store: Store, real: list[Paper], wanted: int) -> None:
    """Write `wanted` copies of the real papers with fresh arXiv ids, announced COPY_SHIFT_DAYS earlier per round."""
    started = time.perf_counter()
    batch: list[Paper] = []
    for n in range(wanted):
        source = real[n % len(real)]
        round_ = n // len(real) + 1
        shift = dt.timedelta(days=COPY_SHIFT_DAYS * round_)
        fresh = f"{9000 + round_}.{n % len(real):05d}"
        days = tuple(replace(a, day=a.day - shift) for a in source.announcements)
        batch.append(replace(source, id=None, keys=(f"arxiv:{fresh}",), matches=(), announcements=days))
        if len(batch) >= WRITE_BATCH:
            store.save_papers(batch)
            batch = []
    if batch:
        store.save_papers(batch)
    print(f"copied {wanted:,} papers with fresh ids in {time.perf_counter() - started:.1f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "ACADEMICHUB_HOME": str(home), "ACADEMICHUB_EMBEDDER": "hashing",
           "ACADEMICHUB_DAILY_SCHEDULE": ""}  # fmt: skip
    env.pop("ACADEMICHUB_CONFIG", None)
    log = (home / "serve.log").open("wb")
    command = [sys.executable, "-m", "academichub", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    print("server: academichub " + " ".join(command[3:]))
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        # every worker has started (the socket listens before any of them accepts)
        if (home / "serve.log").read_text(errors="replace").count("Application startup complete") >= workers:
            return process, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("academichub serve did not start; see serve.log")


def sign_in(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, "no CSRF field on /login"
        client.post("/login", data={"csrf_token": token.group(1), "name": "bench", "password": PASSWORD})
        return client.cookies


def measure(base: str, cookies: httpx.Cookies, paths: list[str], clients: int) -> list[float]:
    """Each path requested once, by `clients` threads each with its own connection; latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = iter(paths)

    def work() -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
            while True:
                with lock:
                    path = next(queue, None)
                if path is None:
                    return
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: HTTP {response.status_code}")
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def warm_up(base: str, cookies: httpx.Cookies, paths: list[str], clients: int) -> list[float]:
    """Like measure, on fresh connections every `clients` requests: the kernel hands each new connection to
    one worker process, so several rounds reach every worker (most likely) with its first views."""
    return [
        ms
        for start in range(0, len(paths), clients)
        for ms in measure(base, cookies, paths[start : start + clients], clients)
    ]


def percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--radars", type=int, default=50)
    parser.add_argument("--real-days", type=int, default=61, help="how many corpus days to ingest for real")
    parser.add_argument("--requests", type=int, default=400, help="requests per measured route")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="academichub serve --workers")
    parser.add_argument("--home", type=Path, help="reuse (or build once into) this directory")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="ah-bench-web-"))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "academichub.db").exists():
        build_store(home, args.papers, args.radars, args.real_days)
    with open_store(Settings(home=home).resolved_database_url) as store:
        radar_ids = [r.id for r in store.list_radars(user_id=1)]
        paper_ids = [p.id for p in store.list_papers(limit=args.papers)]
        print(f"store: {store.count_papers():,} papers, {len(radar_ids)} radars")
    process, base = start_server(home, args.workers)
    try:
        run_load(base, radar_ids, paper_ids, args.requests, args.clients, args.workers)
        print(f"server memory (RSS): {resident_mb(process.pid)}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def resident_mb(pid: int) -> str:
    """The server process's resident memory and its workers' (Linux /proc), e.g. "parent 90 MB, workers 310+305 MB"."""

    def rss(p: int) -> int:
        status = Path(f"/proc/{p}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024  # type: ignore[union-attr]

    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        if not workers:
            return f"{rss(pid)} MB"
        return f"parent {rss(pid)} MB, workers " + "+".join(f"{rss(c)}" for c in workers) + " MB"
    except (OSError, AttributeError):
        return "unknown (no /proc)"


def run_load(
    base: str, radar_ids: list[int | None], paper_ids: list[int | None], n: int, clients: int, workers: int
) -> None:
    cookies = sign_in(base)
    rng = random.Random(11)
    daily = [f"/?radar={radar_ids[i % len(radar_ids)]}" for i in range(n)]
    started = time.perf_counter()
    first = warm_up(base, cookies, daily[: len(radar_ids)] * 2 * workers, clients)  # builds picks, fills caches
    print(f"warm-up: {len(first)} first Curated Daily views (lists rendered) in {time.perf_counter() - started:.1f} s, "
          f"p50 {percentiles(first)[0]:.0f} ms")  # fmt: skip
    started = time.perf_counter()
    warm_up(base, cookies, ["/search?q=model", f"/papers/{paper_ids[0]}"] * 4 * workers, clients)
    print(f"warm-up: search facets and related-papers index loaded in {time.perf_counter() - started:.1f} s")
    routes: dict[str, Callable[[], list[str]]] = {
        "static /static/app.css": lambda: ["/static/app.css"] * n,
        "Curated Daily /?radar=…": lambda: daily,
        "search /search?q=…": lambda: [f"/search?q={SEARCH_WORDS[i % len(SEARCH_WORDS)]}" for i in range(n)],
        "paper page /papers/…": lambda: [f"/papers/{rng.choice(paper_ids)}" for _ in range(n)],
    }
    results = {name: percentiles(measure(base, cookies, paths(), clients)) for name, paths in routes.items()}
    results["static /static/app.css (again)"] = percentiles(measure(base, cookies, ["/static/app.css"] * n, clients))
    static = statistics.mean([results["static /static/app.css"][1], results["static /static/app.css (again)"][1]])
    static50 = statistics.mean([results["static /static/app.css"][0], results["static /static/app.css (again)"][0]])
    print(f"\n{n} requests per route, {clients} concurrent clients, loopback")
    print(f"{'route':<34}{'p50 ms':>9}{'p95 ms':>9}{'p50/static':>12}{'p95/static':>12}")
    for name, (p50, p95) in results.items():
        print(f"{name:<34}{p50:>9.1f}{p95:>9.1f}{p50 / static50:>12.1f}{p95 / static:>12.1f}")
    daily95 = results["Curated Daily /?radar=…"][1]
    print(f"\nCurated Daily p95 {daily95:.1f} ms: {'meets' if daily95 <= 50 else 'MISSES'} the 50 ms target")


if __name__ == "__main__":
    main()
