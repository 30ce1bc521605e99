// Live results: listens to the workspace's WebSocket and, after changes that move the numbers,
// refetches the results body of this page (?fragment=1) and swaps it in. No framework, no inline
// script (the page's CSP forbids it). The report page only uses the print button.
"use strict";
(function () {
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-print]");
    if (b) { e.preventDefault(); window.print(); }
  });

  var boot = document.getElementById("results-boot");
  var body = document.getElementById("results-body");
  if (!boot || !body || !("WebSocket" in window) || !window.fetch) { return; }

  var api = boot.getAttribute("data-api");
  var seq = parseInt(boot.getAttribute("data-seq"), 10) || 0;
  var conn = document.getElementById("conn");
  var status = document.getElementById("results-status");
  // Events that can change the results; others (comments, presence) do not.
  var relevant = {"answer.saved": 1, "synthesis.saved": 1, "session.updated": 1, "participant.joined": 1,
    "participant.updated": 1, "participant.removed": 1, "workspace.updated": 1};
  // Changes are gathered for a second; a random extra wait of up to a second spreads the
  // refetches of a full room over time instead of sending them all at once.
  var DEBOUNCE = 1000, JITTER = 1000;
  var timer = null, inflight = false, again = false, socket = null, retry = 1000, closed = false;

  function setState(state, text) {
    if (!conn) { return; }
    conn.setAttribute("data-state", state);
    conn.textContent = text;
  }

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function fragmentURL() {
    var u = new URL(window.location.href);
    u.hash = "";
    u.searchParams.set("fragment", "1");
    return u.toString();
  }

  // openDetails remembers which <details> are open, by their position, to keep them open.
  function openDetails(root) {
    var out = [];
    root.querySelectorAll("details").forEach(function (d, i) { if (d.open) { out.push(i); } });
    return out;
  }

  function refresh() {
    timer = null;
    if (inflight) { again = true; return; }
    inflight = true;
    fetch(fragmentURL(), {credentials: "same-origin", headers: {"Accept": "text/html"}, cache: "no-store"})
      .then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.text();
      })
      .then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        var next = tpl.content.getElementById("results-body");
        if (!next) { return; }
        var open = openDetails(body);
        body.replaceWith(next);
        body = next;
        body.querySelectorAll("details").forEach(function (d, i) { if (open.indexOf(i) >= 0) { d.open = true; } });
        announce("Results updated.");
      })
      .catch(function () { announce("Could not update the results; they will update with the next change."); })
      .then(function () {
        inflight = false;
        if (again) { again = false; schedule(); }
      });
  }

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(refresh, DEBOUNCE + Math.floor(Math.random() * JITTER));
  }

  function connect() {
    var proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    var url = proto + "//" + window.location.host + api + "/live?since=" + seq;
    try { socket = new WebSocket(url); } catch (e) { reconnect(); return; }
    socket.onopen = function () { retry = 1000; setState("live", "Live"); };
    socket.onmessage = function (m) {
      var msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      if (!msg || typeof msg.type !== "string") { return; }
      if (msg.type === "hello") {
        var latest = msg.data && msg.data.seq;
        if (typeof latest === "number" && latest > seq) { seq = latest; schedule(); }
        return;
      }
      if (msg.type === "resync") { schedule(); return; }
      if (typeof msg.seq === "number" && msg.seq > seq) { seq = msg.seq; }
      if (relevant[msg.type]) { schedule(); }
    };
    socket.onclose = function () { if (!closed) { reconnect(); } };
    socket.onerror = function () { /* onclose follows */ };
  }

  function reconnect() {
    setState("reconnecting", "Reconnecting…");
    var wait = retry + Math.floor(Math.random() * 500);
    retry = Math.min(retry * 2, 30000);
    window.setTimeout(connect, wait);
  }

  window.addEventListener("pagehide", function () { closed = true; if (socket) { socket.close(); } });
  connect();
})();
