"""The notebook's HTTP and WebSocket reverse proxy, in front of Marimo in the runner process.

Marimo's token never leaves the runner: the browser trades a one-time open token, signed by
the platform, for an opaque cookie, and the proxy adds the token to what it passes on. The
cookie's mode ("edit" or "read_only") decides what it may reach (`allowed`).

Like the runner, this module imports neither Django nor the rest of the platform, and what
comes with Marimo (Starlette, uvicorn, websockets, httpx, PyJWT) is imported where it is used.
"""

import asyncio
import contextlib
import logging
import secrets
import socket
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger("runner")

COOKIE = "lakesail_notebook"
MODES = ("edit", "read_only")
# The only /api/ endpoints a read-only viewer may call (with GET): they report, nothing more.
READ_ONLY_API = {"/api/version", "/api/status/connections", "/api/export/availability"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer", "proxy-authorization"}


def allowed(mode: str, method: str, path: str) -> bool:
    """Whether a cookie of `mode` may send `method` to marimo's `path` (relative to the base path).

    Nobody gets /auth/: GET /auth/token hands out marimo's token.

    A read-only cookie gets what shows the notebook and its outputs: GET and HEAD on the page,
    its assets, /@file/ (output files), /public/, /sse and the READ_ONLY_API endpoints, and the
    /ws WebSocket (marimo only listens to it for the disconnect, and the proxy drops what the
    browser sends anyway). Refused with 403:
    - every POST, PUT, PATCH and DELETE, which is how marimo runs code (/api/kernel/run,
      /instantiate, /execute, /scratchpad/run, /function_call, /set_ui_element_value,
      /set_model_value, /restart_session, /interrupt, /pdb/*), changes or saves the file
      (/api/kernel/save, /rename, /copy, /delete, /format, /set_cell_config, /save_app_config,
      /api/document/transaction, /api/export/auto_export/*), and reaches files, packages,
      secrets, data sources, caches, configuration and AI (/api/files/, /api/packages/,
      /api/secrets/, /api/datasources/, /api/cache/, /api/kernel/save_user_config, /api/ai/);
    - GET on the rest of /api/ (sessions, environment, usage, file downloads, packages) and /lsp/;
    - the /terminal/ws (a shell) and /ws_sync (collaborative editing) WebSockets;
    - any path with "//" or "/." in it, so a path cannot look harmless here and resolve elsewhere.
    """
    if path.startswith("/auth/") or path == "/auth":
        return False
    if mode == "edit":
        return True
    if "//" in path or "/." in path or method not in ("GET", "HEAD"):
        return False
    if path.startswith(("/api/", "/lsp/", "/terminal/", "/ws_sync")):
        return path in READ_ONLY_API
    return True


def page(status: int, message: str):
    """A short plain HTML page, for the refusals a person sees."""
    from starlette.responses import HTMLResponse

    body = f'<!doctype html><html lang="en"><title>Notebook</title><p>{message}</p></html>'
    return HTMLResponse(body, status_code=status)


class NotebookProxy:
    """The HTTP and WebSocket proxy in front of Marimo, served by uvicorn on a free port."""

    def __init__(self, spec: dict, marimo_port: int):
        import httpx

        self.id = spec["id"]
        self.base = spec["basePath"].rstrip("/")
        self.key = bytes.fromhex(spec["openKey"])
        self.bearer = f"Bearer {spec['marimoToken']}"
        self.marimo_port = marimo_port
        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{marimo_port}", timeout=httpx.Timeout(None, connect=10)
        )
        self.used: dict[str, float] = {}  # jti -> exp, each open token is good once
        self.sessions: dict[str, str] = {}  # cookie value -> mode
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> int:
        """Serve the proxy; return its port."""
        import uvicorn
        from starlette.applications import Starlette
        from starlette.routing import Route, WebSocketRoute

        methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        app = Starlette(
            routes=[
                Route(f"{self.base}/__open", self.open),
                Route(self.base + "/{path:path}", self.http, methods=methods),
                WebSocketRoute(self.base + "/{path:path}", self.websocket),
            ]
        )
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="off", log_level="warning", timeout_graceful_shutdown=3
        )
        self.server = server = ProxyServer(config)
        sock = socket.create_server(("127.0.0.1", 0))  # a free loopback port
        self.task = task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        return sock.getsockname()[1]

    async def close(self) -> None:
        if self.server is not None and self.task is not None:
            self.server.should_exit = True
            await self.task
        await self.client.aclose()
        log.info("stopped the notebook proxy")

    async def open(self, request):
        """GET <base>/__open?token=...: trade a one-time open token for a cookie."""
        import jwt
        from starlette.responses import RedirectResponse

        try:
            claims = jwt.decode(
                request.query_params.get("token", ""),
                self.key,
                algorithms=["HS256"],
                audience="lakesail-notebook",
                options={"require": ["sub", "jti", "exp", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            return page(403, "This notebook link has expired. Open the notebook again from the console.")
        except jwt.InvalidTokenError:
            return page(403, "This notebook link is not valid. Open the notebook again from the console.")
        if claims["sub"] != self.id or claims.get("mode") not in MODES:
            return page(403, "This notebook link is not valid. Open the notebook again from the console.")
        now = time.time()
        self.used = {jti: exp for jti, exp in self.used.items() if exp > now}
        if claims["jti"] in self.used:
            return page(403, "This notebook link was already used. Open the notebook again from the console.")
        self.used[claims["jti"]] = claims["exp"]
        value = secrets.token_urlsafe(32)
        self.sessions[value] = claims["mode"]
        response = RedirectResponse(f"{self.base}/", status_code=302)
        response.set_cookie(COOKIE, value, path=self.base, httponly=True, samesite="lax")
        return response

    def mode(self, connection) -> str | None:
        return self.sessions.get(connection.cookies.get(COOKIE, ""))

    def upstream_headers(self, headers) -> list[tuple[str, str]]:
        # The browser's cookies go nowhere: ours is for the proxy, and the console's (same
        # host name) must not reach notebook code, which can read the request.
        dropped = HOP_BY_HOP | {"host", "cookie", "authorization", "content-length"}
        kept = [(name, value) for name, value in headers.items() if name not in dropped]
        return [*kept, ("authorization", self.bearer)]

    async def http(self, request):
        """Any other request under the base path: check the cookie and mode, then pass it to marimo."""
        from starlette.background import BackgroundTask
        from starlette.responses import StreamingResponse

        mode = self.mode(request)
        if mode is None:
            return page(401, "Open this notebook from the LakeSail console.")
        if not allowed(mode, request.method, request.url.path[len(self.base) :]):
            return page(403, "This notebook is open read-only.")
        headers = self.upstream_headers(request.headers)
        body = None
        if "content-length" in request.headers or "transfer-encoding" in request.headers:
            body = request.stream()
            if "content-length" in request.headers:
                headers.append(("content-length", request.headers["content-length"]))
        upstream = self.client.build_request(
            request.method, request.url.path, params=request.url.query, headers=headers, content=body
        )
        answer = await self.client.send(upstream, stream=True)
        response = StreamingResponse(
            answer.aiter_raw(), status_code=answer.status_code, background=BackgroundTask(answer.aclose)
        )
        response.raw_headers = [
            (name.encode(), self.local_location(value).encode() if name == "location" else value.encode())
            for name, value in answer.headers.multi_items()
            # Marimo's session cookie is as good as its token (cookies ignore ports, so the
            # browser would send it to marimo's own port too): it stays here.
            if name not in HOP_BY_HOP | {"set-cookie", "x-frame-options"}
        ]
        return response

    def local_location(self, location: str) -> str:
        origin = f"http://127.0.0.1:{self.marimo_port}"
        return location[len(origin) :] if location.startswith(origin) else location

    async def websocket(self, websocket):
        """A WebSocket under the base path: relay it both ways to marimo, adding the token."""
        from starlette.websockets import WebSocketDisconnect
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake

        mode = self.mode(websocket)
        if mode is None or not allowed(mode, "GET", websocket.url.path[len(self.base) :]):
            await websocket.close(code=1008)
            return
        query = f"?{websocket.url.query}" if websocket.url.query else ""
        url = f"ws://127.0.0.1:{self.marimo_port}{websocket.url.path}{query}"
        try:
            upstream = await connect(url, additional_headers={"Authorization": self.bearer}, max_size=None)
        except (OSError, InvalidHandshake, TimeoutError):
            await websocket.close(code=1011)
            return
        await websocket.accept()

        async def from_browser() -> None:
            try:
                while True:
                    message = await websocket.receive()
                    if message["type"] == "websocket.disconnect":
                        return
                    if mode == "edit":
                        await upstream.send(message.get("text") or message.get("bytes") or "")
            except (WebSocketDisconnect, ConnectionClosed):
                return

        async def from_marimo() -> None:
            try:
                async for message in upstream:
                    if isinstance(message, str):
                        await websocket.send_text(message)
                    else:
                        await websocket.send_bytes(message)
            except ConnectionClosed:
                pass
            code = upstream.close_code if upstream.close_code and upstream.close_code not in (1005, 1006) else 1000
            with contextlib.suppress(RuntimeError):  # the browser may be gone already
                await websocket.close(code=code, reason=upstream.close_reason or "")

        async with upstream:
            tasks = [asyncio.create_task(from_browser()), asyncio.create_task(from_marimo())]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def ProxyServer(config: "uvicorn.Config") -> "uvicorn.Server":
    """A uvicorn server that leaves SIGTERM and SIGINT to the runner."""
    import uvicorn

    class Server(uvicorn.Server):
        def capture_signals(self):
            return contextlib.nullcontext()

    return Server(config)
