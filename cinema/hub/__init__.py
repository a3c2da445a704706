"""The kiosk as an offline hub: phones join over the local Wi-Fi (no internet, no account, no app).

Children's phones answer the open question; a teacher's phone (PIN) drives the lesson; lesson files
marked take-home are downloaded. An async web server (Starlette on uvicorn, websockets) runs in its
own thread and talks to the kiosk only through:

- the kiosk's one event queue: it puts PhoneAnswer, PhoneLink, PhoneCommand, PhoneMark, PhoneChoose,
  HubNote and TakeHomeTaken events on it (cinema.core.events);
- `Hub.publish(state)`: the main loop hands it a cinema.core.phone.PhoneState after each turn that
  changed the view; the hub pushes it to the phones (children's phones get `student_json` only);
- `Hub.reply(reply)`: the engine's PhoneReply effects, handed over by the main loop after the records
  before them are committed, so a phone shows "received" only for an answer on the disk;
- `Hub.join_info()`: what the projector shows (cinema.core.view.JoinInfo).

Modules: server.py (the Hub: thread, uvicorn, the app, pages, connectivity checks, the children's
WebSocket), protocol.py (pure: every message parsed, validated, size-limited), state.py (devices,
tokens, session codes, rate limits, replies waiting), teacher.py (the teacher page and its WebSocket,
the PIN with the kiosk's lockout), files.py (take-home downloads: ranges, rate limit, counting),
templates/ (Jinja2, autoescape) and static/ (every asset local).

## Wire protocol (JSON text frames; every frame at most MAX_MESSAGE bytes)

Children: WebSocket `/ws`. Teacher: WebSocket `/teacher/ws`. Both refuse an Origin other than the
page's own host (close code 1008). The phone sends first, within HELLO_SECONDS:

    {"t": "hello", "code": "K7P2", "token": "<the device token it kept, or null>"}

and is answered `{"t": "welcome", "device": "<8 hex>", "token": "<token>", "state": {...}}` (it
keeps the token in localStorage: after a screen lock or a roaming drop it rejoins as the same device)
or `{"t": "refused", "reason": "code" | "full" | "bad"}` (a wrong or old session code; the room full).
The teacher's hello carries no code; its welcome has `"locked": true` until
`{"t": "login", "pin": "1234", "r": 1}` is answered `{"t": "ack", "r": 1, "status": "ok" | "wrong"
| "wait", "wait": <seconds>, "tries_left": <n>}`. The unlock belongs to the teacher page's token (kept
in sessionStorage: a reload's hello with it is welcomed unlocked) and ends after teacher_minutes without
a message or on logout: the hub then sends the welcome again with `"locked": true` and `"state": null`.

Then, children:  {"t": "answer", "q": "<PhoneQuestion.id>", "key": "B", "r": 7}
                 {"t": "link", "card": "<the card's code>", "r": 8}
Teacher:         {"t": "cmd", "cmd": "next" | "back" | "pause" | "accept" | "decline" | "seek_back"
                  | "seek_forward" | "skip" | "repeat", "r": 9}
                 {"t": "mark", "learner": "<learner id>", "undo": false, "r": 10}
                 {"t": "choose", "lesson": "<LessonEntry.key>", "r": 11}
                 {"t": "logout"}
Every message with "r" gets exactly one {"t": "ack", "r": <r>, "status": <ReplyStatus value or
"ok" / "wrong" / "wait" / "refused">, "detail": "<words for the phone, already translated>"}.
The server pushes {"t": "state", "state": {...}} whenever what the phone shows changes.
"""

MAX_MESSAGE = 2048  # bytes in one WebSocket frame from a phone
HELLO_SECONDS = 10.0  # a socket that says nothing this long is closed
MESSAGES_PER_SECOND = 10.0  # per device, with bursts of BURST
BURST = 20
