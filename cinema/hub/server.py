"""The hub's web server: `Hub` (uvicorn in a daemon thread), the app (`make_app`), the children's page and
socket, the operating systems' connectivity checks, and the guards every request passes (Host, body size).
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from cinema.config.models import HubConfig
from cinema.core.events import PhoneAnswer, PhoneLink, PhoneReply, ReplyStatus
from cinema.core.messages import N_
from cinema.core.phone import PhoneState
from cinema.core.view import JoinInfo
from cinema.hub import HELLO_SECONDS, MAX_MESSAGE
from cinema.hub import files, protocol, teacher
from cinema.hub.peer import ChildPeer, ack, frame_of
from cinema.hub.state import CODE_LENGTH, HubState, PinCheck, normal_code
from cinema.locale import is_rtl

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_BODY = 4096  # bytes in any request body (the hub takes no uploads)
PING_SECONDS = 20.0  # a phone that does not answer a ping this long after is gone
STOP_SECONDS = 2.0
STATIC_MAX_AGE = 3600

# Words the children's page shows, translated on the server into the page's language.
PAGE_WORDS = {
    "join_title": N_("Join the lesson"),
    "code_label": N_("Type the code on the screen"),
    "join": N_("Join"),
    "wrong_code": N_("Wrong code: look at the screen again"),
    "new_lesson": N_("New lesson: type the code on the screen"),
    "full": N_("The room is full: ask your teacher"),
    "connecting": N_("Connecting…"),
    "lost": N_("Connection lost: trying again"),
    "waiting": N_("Wait for the next question"),
    "no_lesson": N_("Wait for the lesson to start"),
    "paused": N_("Paused"),
    "question_of": N_("Question {n} of {count}"),
    "sending": N_("Sending…"),
    "received": N_("Received"),
    "held": N_("Your last answer counts"),
    "closed": N_("This question is closed"),
    "refused": N_("Not taken"),
    "not_saved": N_("Not saved: try again"),
    "too_fast": N_("Too fast: wait a moment"),
    "card_title": N_("Link my card (you may skip this)"),
    "card_label": N_("The number and code on your card"),
    "link": N_("Link"),
    "camera": N_("Read my card with the camera"),
    "linked": N_("Card linked"),
    "files_title": N_("Files to take home"),
    "download": N_("Download"),
    "size_kb": N_("{n} KB"),
    "size_mb": N_("{n} MB"),
    "size_gb": N_("{n} GB"),
    "faces_hint": N_("Anonymous: nobody sees who chose which face"),
}
STATUS_WORDS = {
    ReplyStatus.RECEIVED: "received", ReplyStatus.HELD: "held", ReplyStatus.CLOSED: "closed",
    ReplyStatus.REFUSED: "refused", ReplyStatus.NOT_SAVED: "not_saved",
}

# The operating systems' connectivity checks, answered for any Host (captive DNS sends them here), so the
# phone keeps the Wi-Fi with no internet and opens our page in its real browser.
APPLE_SUCCESS = "<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"
FIREFOX_CANONICAL = '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>'
CONNECTIVITY: dict[str, tuple[int, str, str]] = {
    "/generate_204": (204, "", "text/plain"),
    "/gen_204": (204, "", "text/plain"),
    "/hotspot-detect.html": (200, APPLE_SUCCESS, "text/html"),
    "/library/test/success.html": (200, APPLE_SUCCESS, "text/html"),
    "/connecttest.txt": (200, "Microsoft Connect Test", "text/plain"),
    "/ncsi.txt": (200, "Microsoft NCSI", "text/plain"),
    "/success.txt": (200, "success\n", "text/plain"),
    "/canonical.html": (200, FIREFOX_CANONICAL, "text/html"),
}


class HubError(Exception):
    """The hub cannot serve (the port is taken, the address is not this computer's): one line for the teacher."""


# ---- guards --------------------------------------------------------------------------------------------


def foreign_host(host: str) -> bool:
    """True for a Host header naming a place on the internet (captive DNS sent the phone here): an IP
    address, a single-label name (localhost, the kiosk's hostname) or a `.local` name is ours."""
    name = host.strip().lower()
    if name.startswith("["):
        return False  # an IPv6 literal
    name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
        return False
    except ValueError:
        pass
    return "." in name.rstrip(".") and not name.rstrip(".").endswith(".local")


class Guard:
    """ASGI middleware: connectivity checks for any Host, other foreign Hosts redirected to the hub's page,
    request bodies bounded (MAX_BODY), the security headers on every response."""

    def __init__(self, app: ASGIApp, core: HubState) -> None:
        self.app = app
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        check = CONNECTIVITY.get(path)
        if check is not None:
            status, body, kind = check
            response = Response(body, status_code=status, media_type=kind, headers={"Cache-Control": "no-store"})
            await response(scope, receive, send)
            return
        headers = dict((k.lower(), v) for k, v in scope.get("headers", []))
        host = headers.get(b"host", b"").decode("latin-1")
        if foreign_host(host):
            await RedirectResponse(self.home_url(scope), status_code=302)(scope, receive, send)
            return
        if scope.get("method", "GET") not in ("GET", "HEAD", "OPTIONS"):
            length = headers.get(b"content-length")
            if length is None or not length.isdigit() or int(length) > MAX_BODY:
                await PlainTextResponse("Too large", status_code=413)(scope, receive, send)
                return
            receive = _bounded(receive, MAX_BODY)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY")]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def home_url(self, scope: Scope) -> str:
        if self.core.url:
            return self.core.url
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"[{server[0]}]" if ":" in str(server[0]) else server[0]
        return f"http://{host}:{server[1]}/"


def _bounded(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def inner() -> dict:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise ValueError("request body too large")
        return message
    return inner


class CachedStatic(StaticFiles):
    """Local assets with a cache header (phones on a slow hotspot fetch them once)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        return response


# ---- the children's page and socket --------------------------------------------------------------------


def page_words(core: HubState, lang: str) -> dict[str, str]:
    words = core.words(lang)
    return {key: words.gettext(msgid) for key, msgid in PAGE_WORDS.items()}


async def student_page(request: Request) -> Response:
    core: HubState = request.app.state.core
    lang = core.language
    typed = request.query_params.get("c", "")
    code = normal_code(typed) if len(typed) <= 16 else ""
    words = page_words(core, lang)
    host = request.headers.get("host", "")
    csp = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
           f"connect-src 'self' ws://{host} wss://{host}; frame-ancestors 'none'; base-uri 'none'")
    return request.app.state.templates.TemplateResponse(request, "student.html", {
        "lang": lang, "dir": "rtl" if is_rtl(lang) else "ltr", "words": words,
        "title": words["join_title"], "code": code if code == core.code else "",
        "code_length": CODE_LENGTH, "boot": {"words": words, "code": code},
    }, headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"})


def origin_refused(ws: WebSocket) -> bool:
    """A browser page from another site must not use a phone's socket: its Origin must name our Host.
    A missing Origin is let through: browsers always send it, and other programs can send any they like."""
    return not protocol.same_origin(ws.headers.get("origin"), ws.headers.get("host"))


async def child_socket(ws: WebSocket) -> None:
    core: HubState = ws.app.state.core
    address = ws.client.host if ws.client else ""
    if origin_refused(ws):
        core.note("refused", detail="origin")
        await ws.close(1008)
        return
    await ws.accept()
    try:
        hello = await _hello(ws, core, address)
    except (WebSocketDisconnect, RuntimeError):
        return
    if hello is None:
        return
    peer = ChildPeer(ws, hello[0])
    core.join(peer)
    peer.push(json.dumps({"t": "welcome", "device": hello[0], "token": hello[1], "state": core.student},
                         ensure_ascii=False))
    writer = asyncio.ensure_future(peer.run())
    try:
        await _child_messages(ws, core, peer)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        core.leave(peer)
        peer.close(1000, "")
        try:
            await asyncio.wait_for(writer, 1.0)
        except (TimeoutError, asyncio.CancelledError):
            writer.cancel()


async def _hello(ws: WebSocket, core: HubState, address: str) -> tuple[str, str] | None:
    """The first frame: (device, token) when the phone may join, else None (it was told why and closed)."""
    try:
        message = await asyncio.wait_for(ws.receive(), HELLO_SECONDS)
    except TimeoutError:
        await ws.close(1008, "hello")
        return None
    if message["type"] != "websocket.receive":
        return None
    hello = protocol.parse(frame_of(message), protocol.CHILD)
    if not isinstance(hello, protocol.Hello):
        core.note("refused", detail=f"hello:{getattr(hello, 'reason', 'type')}")
        await _refuse(ws, "bad")
        return None
    if not core.hello_allowed(address):
        core.note("refused", detail="hello:rate")
        await _refuse(ws, "bad")
        return None
    device, token = core.device_for(hello.token)
    why = core.admit(hello.code, device)
    if why:
        core.note("refused", detail=f"join:{why}")  # not per device: a guesser makes a new one each time
        await _refuse(ws, why)
        return None
    return device, token


async def _refuse(ws: WebSocket, reason: str) -> None:
    await ws.send_text(json.dumps({"t": "refused", "reason": reason}))
    await ws.close(1008 if reason == "bad" else 1000)


async def _child_messages(ws: WebSocket, core: HubState, peer: ChildPeer) -> None:
    device = peer.device
    while peer.closing is None:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        msg = protocol.parse(frame_of(message), protocol.CHILD)
        words = core.words()
        if core.throttled(peer, getattr(msg, "r", None), "rate", words.gettext(PAGE_WORDS["too_fast"])):
            continue
        if isinstance(msg, protocol.Refusal):
            core.note("refused", device, msg.reason)
            if msg.r is not None:
                peer.push(ack(msg.r, "refused", words.gettext(PAGE_WORDS["refused"])))
            continue
        if isinstance(msg, protocol.Answer):
            reply = await _answer(core, device, msg)
            peer.push(ack(msg.r, reply.status.value, _detail(core, reply)))
        elif isinstance(msg, protocol.Link):
            reply = await core.ask(PhoneLink(device, msg.card))
            peer.push(ack(msg.r, reply.status.value, _detail(core, reply)))
        else:  # a second hello
            core.note("refused", device, "hello again")


async def _answer(core: HubState, device: str, msg: protocol.Answer) -> PhoneReply:
    """Only the open question of this session, with one of its options, reaches the kiosk."""
    state = core.state
    question = state.question if state is not None and not state.paused else None
    if question is None or question.id != msg.question:
        return PhoneReply(device, 0, ReplyStatus.CLOSED)
    if msg.key not in {o.key for o in question.options}:
        core.note("refused", device, "option")
        return PhoneReply(device, 0, ReplyStatus.REFUSED)
    return await core.ask(PhoneAnswer(device, question.id, msg.key))


def _detail(core: HubState, reply: PhoneReply) -> str:
    words = core.words()
    if reply.detail:
        return words.gettext(reply.detail)
    return words.gettext(PAGE_WORDS[STATUS_WORDS[reply.status]])


# ---- the app -----------------------------------------------------------------------------------------


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    return Jinja2Templates(env=env)


def make_app(core: HubState) -> Starlette:
    """The hub's app: the children's page and socket, the static assets, the teacher's and the files'
    routes; `app.state.core` is `core` and `app.state.templates` the Jinja2 templates (autoescape)."""

    @asynccontextmanager
    async def lifespan(app: Starlette):
        core.bind(asyncio.get_running_loop())
        yield

    templates = make_templates()
    routes = [
        Route("/", student_page, methods=["GET", "HEAD"]),
        WebSocketRoute("/ws", child_socket),
        Mount("/static", CachedStatic(directory=HERE / "static"), name="static"),
        *teacher.routes(core),  # the teacher's page and socket
        *files.routes(core),  # the take-home downloads
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.core = core
    app.state.templates = templates
    app.add_middleware(Guard, core=core)
    return app


# ---- the address phones reach --------------------------------------------------------------------------

_VIRTUAL = ("lo", "docker", "veth", "br-", "virbr", "vboxnet", "vmnet", "tun", "tap", "zt", "tailscale")


def choose_address(interfaces: dict[str, list[str]], default_iface: str | None) -> str:
    """The IPv4 address phones reach: a Wi-Fi interface's (wl*: the hotspot or the router's network), else the
    default route's interface, else the first other real one; 127.0.0.1 when there is none."""
    def usable(name: str) -> list[str]:
        out = []
        for addr in interfaces.get(name, []):
            try:
                ip = ipaddress.IPv4Address(addr)
            except ValueError:
                continue
            if not ip.is_loopback and not ip.is_link_local and not ip.is_unspecified:
                out.append(addr)
        return out

    names = sorted(interfaces)
    ordered = [n for n in names if n.startswith(("wl", "wlan"))]
    if default_iface:
        ordered.append(default_iface)
    ordered += [n for n in names if not n.startswith(_VIRTUAL)]
    ordered += names
    for name in ordered:
        found = usable(name)
        if found:
            return found[0]
    return "127.0.0.1"


def default_route_interface(path: Path = Path("/proc/net/route")) -> str | None:
    try:
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 2 and fields[1] == "00000000":
                return fields[0]
    except OSError:
        pass
    return None


def lan_address() -> str:
    import psutil

    interfaces: dict[str, list[str]] = {}
    stats = psutil.net_if_stats()
    for name, addrs in psutil.net_if_addrs().items():
        if name in stats and not stats[name].isup:
            continue
        interfaces[name] = [a.address for a in addrs if a.family == socket.AF_INET]
    return choose_address(interfaces, default_route_interface())


def base_url(host: str, port: int) -> str:
    if host in ("", "0.0.0.0", "::"):
        host = lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


# ---- the Hub -------------------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn's server without its 10-a-second tick: it waits for stop() (the hub idles at ~0% CPU)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.exit_event: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.exit_event = asyncio.Event()
        await self.on_tick(0)
        if not self.should_exit:
            await self.exit_event.wait()

    def wake(self) -> None:
        loop, event = self.loop, self.exit_event
        if loop is not None and event is not None:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass


def bind_socket(host: str, port: int) -> socket.socket:
    """The listening socket, or HubError with one line a teacher can act on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise HubError(f"port {port} is in use: choose another with --hub HOST:PORT") from None
        if exc.errno == errno.EACCES:
            raise HubError(f"port {port} needs the administrator: choose one above 1023 with --hub HOST:PORT") from None
        if isinstance(exc, socket.gaierror) or exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            raise HubError(f"{host} is not an address of this computer: use 0.0.0.0 (every network) "
                           "with --hub 0.0.0.0:PORT") from None
        raise HubError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    except (OverflowError, TypeError):
        sock.close()
        raise HubError(f"{port} is not a port: use a number from 1024 to 65535 with --hub HOST:PORT") from None
    return sock


class Hub:
    """The offline hub the kiosk runs (see cinema/hub/__init__.py): start, publish, reply, join_info, stop."""

    def __init__(self, events: queue.Queue, config: HubConfig, *, pin_check: PinCheck, language: str = "en",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.core = HubState(events, config, pin_check=pin_check, language=language, clock=clock)
        self.app = make_app(self.core)
        self.url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._failed: BaseException | None = None

    @property
    def phones(self) -> int:
        return self.core.phones

    def start(self) -> str:
        if self._thread is not None:
            return self.url
        sock = bind_socket(self.config.host, self.config.port)
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, loop="asyncio", http="h11", ws="websockets-sansio", lifespan="on",
            log_level="warning", access_log=False, server_header=False, date_header=False,
            ws_max_size=MAX_MESSAGE, ws_ping_interval=PING_SECONDS, ws_ping_timeout=PING_SECONDS,
            timeout_keep_alive=5, limit_concurrency=self.config.max_phones + 64,
            timeout_graceful_shutdown=1, proxy_headers=False,
        )
        server = _Server(config)
        self._server = server

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException as exc:  # reported by start(); the kiosk goes on without the hub
                self._failed = exc
                log.exception("hub: the server stopped")
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name="hub", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10.0
        while not server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not server.started:
            self.stop()
            raise HubError(f"the hub did not start: {self._failed or 'timed out'}")
        self.url = base_url(self.config.host, port)
        self.core.url = self.url
        self.core.note("started", detail=self.url)
        log.info("hub: serving %s", self.url)
        return self.url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = None
        server.should_exit = True
        server.wake()
        thread.join(STOP_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            server.wake()
            thread.join(1.0)
        self._thread = None
        if self.url:
            self.core.flush_notes()
            self.core.note("stopped")
        self.url = self.core.url = ""

    def publish(self, state: PhoneState) -> None:
        self.core.publish_threadsafe(state)

    def reply(self, reply: PhoneReply) -> None:
        self.core.reply_threadsafe(reply)

    def join_info(self) -> JoinInfo | None:
        return self.core.join_info()
