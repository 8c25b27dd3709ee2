"""Console pages per second against the raw platform calls they make, per screen (not a test: it prints figures).

    .venv/bin/python benchmarks/console_vs_api.py                 # demo data, then 2,000 members; ~3 minutes
    .venv/bin/python benchmarks/console_vs_api.py --seconds 5 --sizes 40

Logging is as deployed (INFO, gunicorn's access log), written to /dev/null.
For each organization size it builds a throwaway SQLite database in a temporary directory (never var/),
seeds the demo organization through `manage.py seed_demo` (topped up to the size), and starts gunicorn on
127.0.0.1 with 2 sync workers and DEBUG off: the console with the embedded platform, as deployed. Then,
for every screen, interleaved in rounds so that the machine's load hits both sides alike:

- console: GET the page as the signed-in demo Owner (one HTTP request; the console makes its platform
  calls in-process);
- raw: the same platform calls, with the same parameters, as HTTP requests to /api/v1, made the way the
  console makes them: with a DPoP-bound token and a fresh proof per call signed by console.client.dpop (the
  console binds every login to its session's key, contract §1.4);
- raw Bearer: the same calls with a plain Bearer token (no proof to sign or check), shown for comparison.

All sides run with 2 client threads against the same server, in short rounds (half a second per side by
default) so that the machine's swings hit both sides alike. The ratio is console pages/s divided by raw
call sets/s (the calls the page makes, DPoP as it makes them), the median of the rounds' ratios; the
standing budget is >= 0.8. The Bearer ratio beside it shows what the proofs cost. It also prints the
dashboard's first load: the HTML and every stylesheet, script, icon and image it references,
gzip-compressed, against the 100 KB budget.
"""

import argparse
import gzip
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from console.client.dpop import DpopKey  # signs proofs exactly as the console does

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-demo-password"
THREADS = 2


@dataclass
class Screen:
    name: str
    path: str
    calls: list[tuple[str, dict]]  # the platform calls the page makes: (path, query parameters)


def screens(api: httpx.Client, token: str) -> list[Screen]:
    """The measured screens and the calls each makes (as the views make them: keep in step with console/views)."""
    auth = {"Authorization": f"Bearer {token}"}
    team = api.get("/org/teams", params={"limit": 1, "sortBy": "name"}, headers=auth).json()["items"][0]["team"]
    # A managed member who is not an Owner: the page an Owner sees with the Membership and Account cards.
    found = api.get("/org/members", params={"filter[search]": "aisha", "limit": 1}, headers=auth).json()
    member = next(m for m in found["included"]["members"] if m["id"] == found["items"][0]["memberId"])
    page = {"page": 1, "sortBy": "name", "sortDirection": "asc"}
    cluster = next(
        c for c in api.get("/infra/clusters", headers=auth).json()["items"] if c["externalStatus"] == "active"
    )
    today = time.gmtime()
    end = f"{today.tm_year:04d}-{today.tm_mon:02d}-{today.tm_mday:02d}T00:00:00Z"
    start = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() - 29 * 86400))
    billing_range = {"from": start, "to": end, "by": "day", "groupBy": "team"}
    billing_list = {"limit": 50, "includeZeroUsage": "false", "from": start, "to": end}
    return [
        Screen(
            "Members",
            "/members",
            [("/org/teams", {**page, "limit": 100}), ("/org/members", {**page, "limit": 50})],
        ),
        Screen("Teams", "/teams", [("/org/teams", {**page, "limit": 25})]),
        Screen(
            "Team page",
            f"/teams/{team['id']}",
            [("/org/teams/" + team["id"], {}), (f"/org/teams/{team['id']}/members", {**page, "limit": 25})],
        ),
        Screen(
            "Notifications history",
            "/notifications/history",
            [
                ("/notifications/deliveries", {"limit": 50}),
                ("/notifications/channels", {"limit": 100}),
                ("/notifications/rules", {"limit": 100}),
            ],
        ),
        Screen(
            "Dashboard",
            "/",
            [
                ("/org/settings", {}),
                ("/org/roles", {**page, "limit": 100}),
                ("/org/teams", {**page, "limit": 6}),
                ("/org/members", {**page, "limit": 0}),
            ],
        ),
        Screen("Cloud accounts", "/infrastructure/accounts", [("/infra/connections", {"limit": 50})]),
        Screen("Networks", "/infrastructure/networks", [("/infra/networks", {"limit": 50})]),
        Screen("Clusters", "/infrastructure/clusters", [("/infra/clusters", {"limit": 50})]),
        Screen(
            "Cluster page",
            f"/infrastructure/clusters/{cluster['id']}",
            [(f"/infra/clusters/{cluster['id']}", {}), ("/org/teams", {**page, "limit": 100})],
        ),
        Screen(
            "Notebooks",
            "/workloads/notebooks",
            [
                ("/workloads/notebooks", {"page": 1, "limit": 50, "sortBy": "updatedAt", "sortDirection": "desc"}),
                ("/me/teams", {}),
            ],
        ),
        Screen("Sessions", "/workloads/sessions", [("/workloads/sessions", {"limit": 50}), ("/me/teams", {})]),
        Screen(
            "Secrets",
            "/workloads/secrets",
            [
                ("/workloads/secrets", {"page": 1, "limit": 50, "sortBy": "name", "sortDirection": "asc"}),
                ("/me/teams", {}),
            ],
        ),
        Screen(
            "Compute profiles",
            "/workloads/profiles",
            [("/workloads/configs", {"limit": 50}), ("/me/teams", {}), ("/me/clusters", {**page, "limit": 100})],
        ),
        Screen(
            "Billing",
            "/billing",
            [("/billing", {}), ("/billing/000000000000/costs", billing_range), ("/billing/000000000000", billing_list)],
        ),
        Screen(
            "Member page",
            f"/members/{member['id']}",
            [(f"/org/members/{member['id']}", {}), (f"/users/{member['userId']}", {})],
        ),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LAKESAIL_", "DJANGO_"))}
    env.update(
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY="benchmark-secret-key-that-is-long-enough-for-django",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        LAKESAIL_DEMO_PASSWORD=PASSWORD,
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "console.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access log, as deployed (gunicorn.conf.py)
        stderr=subprocess.DEVNULL,  # the INFO log, one line per platform call, as deployed
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def sign_in(base: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=30)
    page = browser.get("/sign-in")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = browser.post(
        "/sign-in",
        data={"email": "owner@acme.test", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{base}/sign-in"},
    )
    assert done.status_code == 302, done.text[:300]
    return browser


def throughput(work, clients: list[httpx.Client], seconds: float) -> float:
    """Completed units per second with one thread per client calling `work(client)` until the time is up."""
    stop = time.monotonic() + seconds
    counts = [0] * len(clients)

    def loop(index: int) -> None:
        while time.monotonic() < stop:
            work(clients[index])
            counts[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def first_load(base: str, browser: httpx.Client) -> tuple[int, int]:
    """(raw bytes, gzip bytes) of the dashboard and every asset its HTML references."""
    html = browser.get("/").text
    urls = {"/"} | {
        urljoin(base + "/", ref)
        for ref in re.findall(r'(?:href|src)="(/static/[^"#]+)', html)
        if not ref.endswith((".ico",))
    }
    raw = packed = 0
    for url in sorted(urls):
        body = browser.get(url).content if url != "/" else html.encode()
        raw += len(body)
        packed += len(gzip.compress(body, compresslevel=6))
    return raw, packed


def measure(size: int, seconds: float, rounds: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lakesail-bench-"))
    env = environment(workdir / "bench.sqlite3")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    manage(env, "migrate", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "seed_demo", *(["--members", str(size)] if size > 40 else []))
    server = start_server(env, port)
    try:
        browsers = [sign_in(base) for _ in range(THREADS)]
        api = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
        token = api.post("/auth/login", json={"email": "owner@acme.test", "password": PASSWORD}).json()["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        raw_clients = [httpx.Client(base_url=api.base_url, timeout=30) for _ in range(THREADS)]
        key = DpopKey.generate()
        login_url = f"{base}/api/v1/auth/login"
        bound = api.post(
            "/auth/login",
            json={"email": "owner@acme.test", "password": PASSWORD},
            headers={"DPoP": key.proof("POST", login_url)},
        ).json()["accessToken"]

        def dpop_get(client: httpx.Client, path: str, params: dict) -> httpx.Response:
            url = f"{base}/api/v1{path}"
            proof = key.proof("GET", url, bound)
            return client.get(path, params=params, headers={"Authorization": f"DPoP {bound}", "DPoP": proof})

        print(f"\n{size:,} members · gunicorn 2 workers, DEBUG off · {THREADS} client threads · load {load()}")
        columns = f"{'pages/s':>10}{'raw sets/s':>12}{'ratio':>8}{'Bearer sets/s':>15}{'ratio':>8}"
        print(f"{'screen':<24}{'calls':>6}{columns}")
        for screen in screens(api, token):
            for path, params in screen.calls:  # every call answers, with the parameters the page uses
                assert api.get(path, params=params, headers=headers).status_code == 200, path

            def page(browser, screen=screen):
                response = browser.get(screen.path)
                assert response.status_code == 200, (screen.path, response.status_code)

            def raw(client, screen=screen):
                for path, params in screen.calls:
                    assert dpop_get(client, path, params).status_code == 200, path

            def bearer(client, screen=screen):
                for path, params in screen.calls:
                    assert client.get(path, params=params, headers=headers).status_code == 200

            for work, clients in ((page, browsers), (raw, raw_clients), (bearer, raw_clients)):
                throughput(work, clients, 1)  # warm every side
            pages, sets, bearer_sets = [], [], []
            for _ in range(rounds):
                pages.append(throughput(page, browsers, seconds / rounds))
                sets.append(throughput(raw, raw_clients, seconds / rounds))
                bearer_sets.append(throughput(bearer, raw_clients, seconds / rounds))
            page_rate, raw_rate, bearer_rate = sum(pages) / rounds, sum(sets) / rounds, sum(bearer_sets) / rounds
            # The median of the rounds' own ratios: each round's sides ran back to back, under the same load.
            ratio = statistics.median(page / raw for page, raw in zip(pages, sets, strict=True))
            bearer_ratio = statistics.median(page / raw for page, raw in zip(pages, bearer_sets, strict=True))
            print(
                f"{screen.name:<24}{len(screen.calls):>6}{page_rate:>10.1f}{raw_rate:>12.1f}{ratio:>8.2f}"
                f"{bearer_rate:>15.1f}{bearer_ratio:>8.2f}{'' if ratio >= 0.8 else '  < 0.8'}"
            )
        raw_bytes, packed = first_load(base, sign_in(base))
        verdict = "within" if packed <= 100 * 1024 else "OVER"
        print(f"dashboard first load: {raw_bytes / 1024:.0f} KB, {packed / 1024:.1f} KB gzip ({verdict} 100 KB)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40,2000", help="organization sizes, comma-separated (40 = the demo)")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per side and screen")
    parser.add_argument("--rounds", type=int, default=16, help="interleaved rounds per screen")
    args = parser.parse_args()
    for size in (int(value) for value in args.sizes.split(",")):
        measure(size, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
