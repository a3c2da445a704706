/* The teacher's phone: unlock with the PIN, then drive the lesson. Vanilla ES2017 (no optional chaining,
   no ??) for old Android browsers. Every word comes translated from the server (the #boot JSON and the
   state messages); text goes in with textContent only. */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("boot").textContent);
  var W = boot.words;
  var TOKEN_KEY = "cinema.teacher.token";
  var ws = null;
  var nextR = 1;
  var pending = {};  // request number -> the element that shows its answer
  var retry = 500;
  var locked = true;
  var lastState = null;
  var keys = {};  // what each list was last drawn from: a list redrawn only when it changed

  function $(id) { return document.getElementById(id); }
  function show(el, on) { el.hidden = !on; }
  function say(el, text) { el.textContent = text || ""; }

  function storedToken() {
    try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }
  function keepToken(token) {
    try { window.sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode: PIN on reload */ }
  }

  // Any script's decimal digits (Arabic-Indic, Persian...) as 0-9: the hub takes ASCII digits.
  function asciiDigits(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) { out += text[i]; }
      else if (c >= 0x660 && c <= 0x669) { out += String(c - 0x660); }
      else if (c >= 0x6F0 && c <= 0x6F9) { out += String(c - 0x6F0); }
      else if (c >= 0xFF10 && c <= 0xFF19) { out += String(c - 0xFF10); }
      else if (/\s/.test(text[i])) { continue; }
      else { return null; }
    }
    return out;
  }

  function send(message, answerEl) {
    if (!ws || ws.readyState !== 1) { say(answerEl, W.offline); return false; }
    if (message.t !== "hello" && message.t !== "logout") {
      message.r = nextR++;
      pending[message.r] = answerEl || null;
    }
    ws.send(JSON.stringify(message));
    return true;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + window.location.host + "/teacher/ws");
    ws.onopen = function () {
      retry = 500;
      say($("line"), "");
      ws.send(JSON.stringify({ t: "hello", token: storedToken() }));
    };
    ws.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (msg.t === "welcome") { welcome(msg); }
      else if (msg.t === "state") { render(msg.state); }
      else if (msg.t === "ack") { acked(msg); }
      else if (msg.t === "refused") { say($("line"), W.refused); }
    };
    ws.onclose = function () {
      ws = null;
      say($("line"), W.offline);
      pending = {};
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 8000);
    };
  }

  function welcome(msg) {
    keepToken(msg.token);
    setLocked(msg.locked);
    if (!msg.locked && msg.state) { render(msg.state); }
  }

  function setLocked(on) {
    var was = locked;
    locked = on;
    show($("lock"), on);
    show($("panel"), !on);
    if (on) {
      lastState = null;
      clearPanel();
      say($("title"), W.title);
      if (!was) { say($("pin-why"), W.locked_out); }
      $("pin").value = "";
      $("unlock").disabled = false;
    }
  }

  function reloadFor(language) {
    try {
      if (window.sessionStorage.getItem("cinema.teacher.reloaded") === language) { return false; }
      window.sessionStorage.setItem("cinema.teacher.reloaded", language);
    } catch (e) { return false; }
    window.location.reload();
    return true;
  }

  // An answer on the page fades after a few seconds (the next tap starts clean).
  var fades = {};
  function sayForAWhile(el, text) {
    say(el, text);
    if (fades[el.id]) { window.clearTimeout(fades[el.id]); }
    fades[el.id] = window.setTimeout(function () { say(el, ""); }, 4000);
  }

  function clearPanel() {
    keys = {};
    ["waiting", "advice", "notices", "lessons", "marks"].forEach(function (id) { $(id).textContent = ""; });
  }

  function acked(msg) {
    var el = pending[msg.r];
    delete pending[msg.r];
    if (el === undefined) { return; }
    if (el === $("pin-why")) { return loginAcked(msg); }
    var words = { received: W.sent, ok: W.sent, refused: W.refused, closed: W.refused, held: W.sent,
                  not_saved: W.not_saved };
    sayForAWhile(el, msg.detail || words[msg.status] || "");
  }

  function loginAcked(msg) {
    $("unlock").disabled = false;
    if (msg.status === "ok") { say($("pin-why"), ""); setLocked(false); return; }
    if (msg.wait > 0) {  // no try is taken during the wait: the button says so by being off until then
      $("unlock").disabled = true;
      window.setTimeout(function () { $("unlock").disabled = false; }, msg.wait * 1000);
    }
    $("pin").value = "";
    var lines = [msg.detail || W.wrong];
    if (msg.status === "wrong" && !msg.wait && msg.tries_left > 0) {
      lines.push(W.tries_left.replace("%(n)d", String(msg.tries_left)));
    }
    say($("pin-why"), lines.join(" · "));
  }

  // ---- drawing the teacher view ----------------------------------------------------------------------

  function render(state) {
    if (!state) { return; }
    if (state.language !== boot.language && reloadFor(state.language)) {
      return;  // the kiosk's menus changed language: the page's words too (reloaded once per language)
    }
    lastState = state;
    document.documentElement.dir = state.dir;
    say($("title"), state.title || W.title);
    var lesson = state.lesson;
    show($("lesson"), !!lesson);
    show($("home"), state.home);
    if (lesson) { renderLesson(lesson); }
    else { show($("answers"), false); show($("calm"), false); show($("battery"), false); show($("notices-box"), false); }
    if (state.home) { renderLessons(state.lessons); }
    renderMarks(state.marks, lesson ? lesson.present : "");
  }

  function renderLesson(l) {
    say($("place"), l.place);
    say($("now"), l.now);
    say($("time"), l.time);
    $("time").className = l.paused ? "time paused" : "time";
    say($("sees"), l.sees);
    say($("next"), (l.next.label ? l.next.label + " " : "") + l.next.title);
    say($("lesson-left"), l.lesson_left);
    var pause = $("pause");
    pause.setAttribute("aria-pressed", l.paused ? "true" : "false");
    say(pause, l.paused ? W.resume : W.pause);
    show($("seek"), l.can_seek);
    show($("offer"), l.offer);
    say($("accept"), l.calm && l.calm.take ? l.calm.take : W.accept);

    var a = l.answers;
    show($("answers"), !!a);
    if (a) {
      say($("answers-heading"), a.heading);
      $("answers").className = a.all_in ? "box good" : "box";
      say($("answers-count"), a.count);
      say($("answers-unknown"), a.unknown || "");
      show($("answers-unknown"), !!a.unknown);
      var list = $("waiting");
      list.textContent = "";
      a.waiting.forEach(function (name) { var li = document.createElement("li"); li.textContent = name; list.appendChild(li); });
      if (a.more) { var more = document.createElement("li"); more.className = "more"; more.textContent = a.more; list.appendChild(more); }
    }

    show($("calm"), !!l.calm);
    if (l.calm) { say($("calm-said"), l.calm.said); }

    var b = l.battery;
    show($("battery"), !!b);
    if (b) {
      say($("battery-said"), b.said);
      $("battery").className = "box " + b.level;
      fillList($("advice"), b.advice, function (li, line) { li.textContent = line; });
    }

    show($("notices-box"), l.notices.length > 0);
    fillList($("notices"), l.notices, function (li, n) {
      li.className = n.good ? "good" : "warn";
      li.textContent = n.text;
      if (n.detail) { var d = document.createElement("span"); d.className = "detail"; d.textContent = n.detail; li.appendChild(d); }
    });
  }

  function fillList(list, items, fill) {
    var key = JSON.stringify(items);
    if (keys[list.id] === key) { return; }
    keys[list.id] = key;
    list.textContent = "";
    items.forEach(function (item) { var li = document.createElement("li"); fill(li, item); list.appendChild(li); });
  }

  function renderLessons(lessons) {
    show($("no-lessons"), lessons.length === 0);
    fillList($("lessons"), lessons, function (li, lesson) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "row";
      button.dir = "auto";
      button.textContent = lesson.title + (lesson.usable ? "" : " · " + W.lesson_problems);
      button.disabled = !lesson.usable;
      button.addEventListener("click", function () { send({ t: "choose", lesson: lesson.key }, $("home-ack")); });
      li.appendChild(button);
    });
  }

  function renderMarks(marks, present) {
    show($("class"), marks.length > 0);
    say($("present"), present);
    var query = $("filter").value.trim().toLowerCase();
    fillList($("marks"), marks.filter(function (m) {
      return !query || m.label.toLowerCase().indexOf(query) >= 0 || m.id.toLowerCase().indexOf(query) >= 0;
    }), function (li, m) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "row " + m.state;
      button.dir = "auto";
      button.setAttribute("aria-pressed", m.state === "absent" ? "false" : "true");
      var name = document.createElement("span");
      name.textContent = m.label;
      button.appendChild(name);
      if (m.state !== "absent") {
        var how = document.createElement("span");
        how.className = "how";
        how.textContent = m.state === "card" ? W.by_card : W.by_hand;
        button.appendChild(how);
      }
      // A child present by card stays so; one marked by hand is unmarked by a second tap.
      button.disabled = m.state === "card";
      button.addEventListener("click", function () {
        send({ t: "mark", learner: m.id, undo: m.state === "teacher" }, $("mark-ack"));
      });
      li.appendChild(button);
    });
  }

  // ---- the controls ---------------------------------------------------------------------------------

  $("lock").addEventListener("submit", function (event) {
    event.preventDefault();
    var pin = asciiDigits($("pin").value);
    if (!pin) { say($("pin-why"), W.wrong); $("pin").value = ""; return; }
    say($("pin-why"), W.checking);
    if (send({ t: "login", pin: pin }, $("pin-why"))) { $("unlock").disabled = true; }
    else { say($("pin-why"), W.offline); }
  });

  Array.prototype.forEach.call(document.querySelectorAll("button.cmd"), function (button) {
    button.addEventListener("click", function () {
      say($("ack"), "");
      send({ t: "cmd", cmd: button.getAttribute("data-cmd") }, $("ack"));
    });
  });

  $("filter").addEventListener("input", function () {
    if (lastState) { renderMarks(lastState.marks, lastState.lesson ? lastState.lesson.present : ""); }
  });

  $("logout").addEventListener("click", function () { send({ t: "logout" }); });

  connect();
})();
