/* The children's page on the kiosk's hub: join with the session code, answer the open question, link a card,
   download the lesson's files. Plain ES2017 for old Android Chrome and iOS Safari 12 (no optional chaining,
   no ??). Every word comes translated from the server in the boot blob. */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("boot").textContent);
  var W = boot.words;
  var KEEP = "cinema-hub";
  var BACKOFF = [500, 1000, 2000, 4000, 8000];

  var sock = null;
  var tries = 0;
  var timer = null;
  var joined = false;
  var everJoined = false;
  var stopped = false; // told the room is full or the code is wrong: wait for the child
  var state = null;
  var nextR = 1;
  var pending = {}; // r -> "answer" | "link"
  var chosen = null; // {q, key, r, status}
  var sentCode = ""; // the code the last hello carried

  function $(id) { return document.getElementById(id); }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEEP) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(patch) {
    var kept = load();
    for (var k in patch) { if (Object.prototype.hasOwnProperty.call(patch, k)) { kept[k] = patch[k]; } }
    try { localStorage.setItem(KEEP, JSON.stringify(kept)); } catch (e) { /* private mode: kept for this page only */ }
  }
  function say(id, text) { $(id).textContent = text || ""; }
  function show(id, yes) { $(id).hidden = !yes; }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : m;
    });
  }

  // ---- the connection --------------------------------------------------------------------------------------

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  }

  function connect() {
    if (sock || stopped) { return; }
    clearTimeout(timer);
    timer = null;
    var kept = load();
    var code = boot.code || kept.code || "";
    sentCode = code;
    if (!code && !kept.token) { askCode(""); return; }
    say("line", W.connecting);
    var ws;
    try { ws = new WebSocket(socketUrl()); } catch (e) { later(); return; }
    sock = ws;
    ws.onopen = function () {
      ws.send(JSON.stringify({ t: "hello", code: code || null, token: kept.token || null }));
    };
    ws.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (ws === sock) { receive(msg); }
    };
    ws.onclose = function () {
      if (ws !== sock) { return; }
      sock = null;
      joined = false;
      if (!stopped) { say("line", W.lost); later(); }
    };
  }

  function later() {
    if (timer || stopped) { return; }
    var wait = BACKOFF[Math.min(tries, BACKOFF.length - 1)] * (0.75 + Math.random() / 2);
    tries += 1;
    timer = setTimeout(function () { timer = null; connect(); }, wait);
  }

  function send(msg) {
    if (sock && joined && sock.readyState === 1) { sock.send(JSON.stringify(msg)); return true; }
    return false;
  }

  function receive(msg) {
    if (msg.t === "welcome") {
      joined = true;
      everJoined = true;
      tries = 0;
      save({ token: msg.token, code: boot.code || load().code || "" });
      say("line", "");
      show("join", false);
      render(msg.state);
      resend();
    } else if (msg.t === "state") {
      render(msg.state);
    } else if (msg.t === "ack") {
      acked(msg);
    } else if (msg.t === "refused") {
      if (msg.reason === "full") {
        say("line", W.full);
        stopped = true;
        setTimeout(function () { stopped = false; connect(); }, 15000);
      } else {
        save({ code: "" });
        boot.code = "";
        var why = "";
        if (msg.reason === "code") { why = everJoined ? W.new_lesson : (sentCode ? W.wrong_code : ""); }
        askCode(why);
      }
    }
  }

  function askCode(why) {
    stopped = true;
    say("line", "");
    show("join", true);
    show("wait", false);
    show("question", false);
    show("card", false);
    say("join-why", why);
    $("code").focus();
  }

  $("join").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var code = $("code").value.replace(/\s+/g, "").toUpperCase();
    if (!code) { return; }
    boot.code = code;
    save({ code: code });
    say("join-why", "");
    stopped = false;
    tries = 0;
    if (sock) { sock.close(); sock = null; }
    connect();
  });

  // ---- what the phone shows ----------------------------------------------------------------------------------

  // The page's words are in the lesson's language: a lesson in another one reloads the page once for them.
  function base(lang) { return String(lang || "").split(/[-_.]/)[0].toLowerCase(); }
  function languageChanged(lang) {
    var now = base(document.documentElement.getAttribute("lang"));
    if (!lang || base(lang) === now) { return false; }
    var last = null;
    try { last = JSON.parse(sessionStorage.getItem(KEEP + "-reload") || "null"); } catch (e) { last = null; }
    if (last && last.lang === base(lang) && Date.now() - last.at < 30000) { return false; } // never in a loop
    try { sessionStorage.setItem(KEEP + "-reload", JSON.stringify({ lang: base(lang), at: Date.now() })); } catch (e) { return false; }
    location.reload();
    return true;
  }

  function render(s) {
    if (languageChanged(s.language)) { return; }
    state = s;
    say("title", s.title || W.join_title);
    show("card", !!s.session);
    renderFiles(s.files || []);
    var q = s.question;
    if (!s.session || s.paused || !q) {
      show("question", false);
      show("wait", true);
      say("wait-text", !s.session ? W.no_lesson : (s.paused ? W.paused : W.waiting));
      return;
    }
    show("wait", false);
    show("question", true);
    var same = $("options").getAttribute("data-q") === q.id;
    if (!chosen || chosen.q !== q.id) {
      var kept = load().chosen;
      chosen = kept && kept.q === q.id ? kept : null;
      if (!same) { say("answer-line", chosen && chosen.status === "received" ? W.received : ""); }
    }
    if (same) { return; }
    say("progress", q.count > 1 ? fill(W.question_of, { n: q.number, count: q.count }) : "");
    say("prompt", q.prompt);
    show("faces-hint", q.kind === "checkin");
    var box = $("options");
    box.className = "options" + (q.kind === "checkin" ? " faces" : "");
    box.setAttribute("data-q", q.id);
    while (box.firstChild) { box.removeChild(box.firstChild); }
    q.options.forEach(function (o) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "option";
      b.setAttribute("data-key", o.key);
      var key = document.createElement("span");
      key.className = "key";
      key.textContent = o.key;
      var text = document.createElement("span");
      text.className = "text";
      text.setAttribute("dir", "auto");
      text.textContent = o.text;
      b.appendChild(key);
      b.appendChild(document.createTextNode("  "));
      b.appendChild(text);
      b.addEventListener("click", function () { answer(q.id, o.key); });
      box.appendChild(b);
    });
    mark();
  }

  function mark() {
    var buttons = $("options").querySelectorAll("button.option");
    for (var i = 0; i < buttons.length; i++) {
      var on = !!chosen && chosen.key === buttons[i].getAttribute("data-key");
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[i].className = "option" + (on ? " chosen" : "");
    }
  }

  function answer(q, key) {
    var r = nextR++;
    chosen = { q: q, key: key, r: r, status: "sending" };
    save({ chosen: chosen });
    mark();
    pending[r] = "answer";
    say("answer-line", W.sending);
    if (!send({ t: "answer", q: q, key: key, r: r })) { say("answer-line", W.lost); }
  }

  // After a drop: an answer the kiosk never confirmed goes again, if its question is still open.
  function resend() {
    if (chosen && chosen.status !== "received" && state && state.question && state.question.id === chosen.q) {
      answer(chosen.q, chosen.key);
    }
  }

  function acked(msg) {
    var what = pending[msg.r];
    delete pending[msg.r];
    if (what === "link") {
      say("card-line", msg.status === "received" ? W.linked : msg.detail);
      return;
    }
    if (what !== "answer" || !chosen || chosen.r !== msg.r) { return; } // an older answer's ack
    chosen.status = msg.status;
    save({ chosen: chosen });
    say("answer-line", msg.status === "received" ? W.received : msg.detail);
  }

  // ---- the card ------------------------------------------------------------------------------------------------

  $("card-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    linkCard($("card-code").value);
  });

  function linkCard(text) {
    text = String(text || "").replace(/^\s+|\s+$/g, "");
    if (!text) { return; }
    var r = nextR++;
    pending[r] = "link";
    say("card-line", W.sending);
    if (!send({ t: "link", card: text.slice(0, 120), r: r })) { say("card-line", W.lost); }
  }

  // The camera only where the browser reads QR codes itself (BarcodeDetector needs a secure context: over
  // the hub's plain http it is absent, and the typed code is the way).
  if (window.isSecureContext && "BarcodeDetector" in window && navigator.mediaDevices) {
    show("camera", true);
    $("camera").addEventListener("click", function () {
      var video = $("camera-view");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        show("camera-view", true);
        video.play();
        var looking = setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (!codes.length) { return; }
            clearInterval(looking);
            stream.getTracks().forEach(function (t) { t.stop(); });
            show("camera-view", false);
            $("card-code").value = codes[0].rawValue;
            linkCard(codes[0].rawValue);
          }).catch(function () {});
        }, 400);
      }).catch(function () { show("camera", false); });
    });
  }

  // ---- the files -------------------------------------------------------------------------------------------------

  function size(bytes) {
    if (bytes >= 1e9) { return fill(W.size_gb, { n: (bytes / 1e9).toFixed(1) }); }
    if (bytes >= 1e6) { return fill(W.size_mb, { n: Math.round(bytes / 1e6) }); }
    return fill(W.size_kb, { n: Math.max(1, Math.round(bytes / 1e3)) });
  }

  function renderFiles(files) {
    var list = $("file-list");
    var key = JSON.stringify(files);
    if (list.getAttribute("data-files") === key) { return; }
    list.setAttribute("data-files", key);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    files.forEach(function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/files/" + f.n + "/" + encodeURIComponent(f.name);
      a.setAttribute("download", f.name);
      a.className = "file";
      var name = document.createElement("span");
      name.setAttribute("dir", "auto");
      name.textContent = f.name;
      var small = document.createElement("span");
      small.className = "size";
      small.textContent = W.download + " · " + size(f.size);
      a.appendChild(name);
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    });
    show("files", files.length > 0);
  }

  // ---- coming back -----------------------------------------------------------------------------------------------

  // After a screen lock the old socket may look open but be dead (the phone slept, the Wi-Fi roamed): a page
  // hidden for a while starts a fresh one (the token brings it back as the same device, on the question open now).
  var hiddenAt = 0;
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { hiddenAt = Date.now(); return; }
    if (stopped) { return; }
    if (sock && hiddenAt && Date.now() - hiddenAt > 5000) {
      var old = sock;
      sock = null;
      joined = false;
      try { old.close(); } catch (e) { /* already closing */ }
    }
    hiddenAt = 0;
    if (!sock) { tries = 0; connect(); }
  });
  window.addEventListener("online", function () { if (!sock && !stopped) { tries = 0; connect(); } });

  connect();
})();
