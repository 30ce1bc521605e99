// Live workspace page: a WebSocket that resumes from the last seq seen, autosaved answers with an
// offline queue, comments and facilitator controls over fetch. No eval; server text goes in through
// textContent only. Protocol: docs/REALTIME.md.
(function () {
  "use strict";
  var bootEl = document.getElementById("boot");
  if (!bootEl) return;
  var boot = JSON.parse(bootEl.getAttribute("data-boot") || "{}");
  var names = JSON.parse(bootEl.getAttribute("data-names") || "{}");
  var api = boot.api, base = boot.base, you = boot.you || {};
  var lastSeq = Number(boot.seq) || 0;
  var session = boot.session || {};
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.from((root || document).querySelectorAll(sel)); };
  var connEl = $("#conn"), pendingEl = $("#pending"), timerEl = $("#timer"), announcer = $("#announcer");
  var QKEY = "workshop:queue:" + api;
  var skew = 0; // server clock minus ours, in ms

  var esc = function (s) { return CSS.escape(s); };
  function section(q) { return $('section.question[data-question="' + esc(q) + '"]'); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  var text = document.createTextNode.bind(document);
  function groupName(g) { return names["group:" + g] || (g || "").replace(/_/g, " "); }
  function promptOf(q) { var s = section(q); return s ? $("h3", s).textContent : "another question"; }

  // announcements and notices (polite; focus never moves)
  var said = [], sayTimer = null;
  function announce(text) {
    if (!announcer) return;
    said.push(text);
    clearTimeout(sayTimer);
    sayTimer = setTimeout(function () { announcer.textContent = said.slice(-3).join(" "); said = []; }, 400);
  }
  function notice(key, text, linkText, href, onClick) {
    var p = $('.live-notice[data-key="' + key + '"]');
    if (!p) {
      p = el("p", "flash live-notice");
      p.setAttribute("role", "status");
      p.setAttribute("data-key", key);
      ($(".ws-head") || document.body).appendChild(p);
    }
    p.textContent = text + " ";
    if (linkText) {
      var a = el("a", null, linkText);
      a.href = href || "#";
      if (onClick) a.addEventListener("click", function (ev) { ev.preventDefault(); onClick(); });
      p.appendChild(a);
    }
    announce(text);
  }

  // The user is typing when a text field has focus; a draft is text not yet saved or sent.
  function typing() {
    var a = document.activeElement;
    return !!a && (a.tagName === "TEXTAREA" || (a.tagName === "INPUT" && /^(text|url|search|number)$/.test(a.type)));
  }
  function hasDraft() {
    if ($$("form.comment-form textarea").some(function (t) { return t.value.trim() !== ""; })) return true;
    return $$("form.answer-form").some(function (f) { return f.getAttribute("data-dirty") === "1"; });
  }
  function reloadSoon(why) {
    if (!typing() && !hasDraft()) return location.reload();
    notice("reload", why, "Reload to see them", location.href, function () { location.reload(); });
  }

  // connection state
  var ws = null, attempt = 0, retryTimer = null, ended = false;
  function setState(s) {
    if (!connEl) return;
    connEl.setAttribute("data-state", s);
    connEl.textContent = s === "live" ? "Live" : s === "reconnecting" ? "Reconnecting\u2026" : "Offline";
  }
  function connect() {
    clearTimeout(retryTimer);
    if (ended || ws) return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + api + "/live?since=" + lastSeq;
    var s;
    try { s = new WebSocket(url); } catch (e) { schedule(); return; }
    ws = s;
    s.onopen = function () { attempt = 0; setState("live"); flushQueue(); if (focused) sendFocus(focused); };
    s.onmessage = function (ev) { try { handle(JSON.parse(ev.data)); } catch (e) { /* a bad message */ } };
    s.onclose = function (ev) {
      if (ws === s) ws = null;
      if (ev.code === 4001) {
        ended = true;
        setState("offline");
        notice("ended", "Your session has ended; live updates stopped.", "Reload", location.href, function () { location.reload(); });
        return;
      }
      schedule(ev.code === 1008 ? 5 : 0);
    };
  }
  function schedule(extra) {
    setState(navigator.onLine === false ? "offline" : "reconnecting");
    var d = Math.min(30000, 500 * Math.pow(2, attempt++ + (extra || 0)));
    retryTimer = setTimeout(connect, d / 2 + Math.random() * d / 2); // exponential backoff, jitter
  }
  window.addEventListener("online", function () { attempt = 0; if (ws && ws.readyState === 1) setState("live"); else connect(); flushQueue(); });
  // A socket can outlive the network for a while: drop it so the state is honest and the client
  // resumes from its last seq when the network returns.
  window.addEventListener("offline", function () { setState("offline"); if (ws && ws.readyState <= 1) ws.close(); });

  var focused = null;
  function sendFocus(q) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "focus", data: { question_id: q } }));
  }
  document.addEventListener("focusin", function (ev) {
    var s = ev.target.closest && ev.target.closest("section.question");
    if (s && s.getAttribute("data-question") !== focused) sendFocus(focused = s.getAttribute("data-question"));
  });

  // messages
  function handle(m) {
    switch (m.type) {
      case "hello":
        skew = Date.parse(m.at) - Date.now() || 0;
        if (m.data.session) applySession(m.data.session, false);
        presence = {};
        (m.data.presence || []).forEach(function (p) { presence[p.id] = p; });
        showPresence();
        return;
      case "resync":
        lastSeq = Number(m.data.seq) || 0; // the head: the page's state is reloaded over HTTP
        reloadSoon("There are new changes on this page.");
        return;
      case "presence":
        if (m.data.event === "left") delete presence[m.data.id]; else presence[m.data.id] = m.data;
        showPresence();
        return;
      case "error":
        return;
    }
    if (!(m.seq > 0) || m.seq <= lastSeq) return; // already applied
    lastSeq = m.seq;
    var d = m.data || {};
    switch (m.type) {
      case "answer.saved": if (d.answer) showAnswer(d.answer, true); break;
      case "comment.created": case "comment.updated": case "comment.hidden": if (d.comment) showComment(d.comment, m.type === "comment.created"); break;
      case "session.updated": if (d.session) applySession(d.session, true); break;
      case "synthesis.saved": if (d.synthesis) showSynthesis(d.synthesis); break;
    }
  }

  // presence: who is here (the count shows on the connection badge)
  var presence = {};
  // showPresence lists who is here (names, or groups only when the server withholds names) and,
  // per question, how many people are looking at it.
  function showPresence() {
    var people = {}, looking = {};
    Object.keys(presence).forEach(function (id) {
      var p = presence[id], w = p.who || {}, k = w.participant_id || w.display_name || id;
      people[k] = w.display_name ? w.display_name + (w.stakeholder_group ? " (" + groupName(w.stakeholder_group) + ")" : "")
        : (w.role === "facilitator" ? "a facilitator" : groupName(w.stakeholder_group) || "someone");
      if (p.question_id) (looking[p.question_id] = looking[p.question_id] || {})[k] = 1;
    });
    var names = Object.keys(people).map(function (k) { return people[k]; }).sort();
    if (connEl) connEl.title = names.length + " here now";
    var pe = document.getElementById("presence");
    if (pe) pe.textContent = names.length ? names.length + " here now: " + names.join(", ") : "";
    $$("section.question").forEach(function (sec) {
      var n = Object.keys(looking[sec.getAttribute("data-question")] || {}).length;
      var b = $(".badge.viewing", sec);
      if (!b && n) { var bs = $(".badges", sec); if (bs) { b = el("span", "badge viewing"); bs.appendChild(text(" ")); bs.appendChild(b); } }
      if (b) { b.hidden = !n; b.textContent = n + (n === 1 ? " person looking" : " people looking"); }
    });
  }

  // answers
  function labels(s) {
    var out = {}, t = $("template.labels", s);
    if (t && t.content) $$("[data-v]", t.content).forEach(function (b) { out[b.getAttribute("data-v")] = b.textContent; });
    return out;
  }
  function valueText(s, a) {
    if (a.status === "not_applicable") return "not applicable";
    if (a.status === "unknown") return "don't know";
    var v = a.value, l = labels(s), kind = s.getAttribute("data-kind");
    if (kind === "maturity") return l[v] != null ? v + " \u00b7 " + l[v] : String(v);
    if (Array.isArray(v)) return v.map(function (x) { return l[x] || x; }).join(", ");
    return l[v] || (v == null ? "" : String(v));
  }
  function answerItem(s, a) {
    var li = el("li", "group-" + a.stakeholder_group);
    li.setAttribute("data-answer", a.id);
    li.appendChild(el("span", "who", (a.display_name ? a.display_name + " \u00b7 " : "") + groupName(a.stakeholder_group)));
    li.appendChild(text(": "));
    var v = el("span", "value");
    if (a.redacted) v.appendChild(el("em", null, "hidden while blind")); else v.textContent = valueText(s, a);
    li.appendChild(v);
    if (a.rationale) { li.appendChild(text(" ")); li.appendChild(el("q", "rationale", a.rationale)); }
    (a.evidence || []).forEach(function (e) {
      if (!/^https?:\/\//i.test(e.url || "")) return;
      var link = el("a", "evidence-link", e.title || e.url);
      link.href = e.url;
      link.rel = "nofollow noopener noreferrer";
      li.appendChild(text(" "));
      li.appendChild(link);
    });
    return li;
  }
  function recount(s) {
    var c = $(".answer-count", s);
    if (c) c.textContent = $$(".answer-list li[data-answer]", s).length + (s.getAttribute("data-mine") ? 1 : 0);
  }
  function showAnswer(a, live) {
    var s = section(a.question_id);
    if (!s) return;
    if (you.participant_id && a.participant_id === you.participant_id) {
      markMine(s, a);
      return;
    }
    var list = $(".answer-list", s);
    if (!list) return;
    var old = $('li[data-answer="' + esc(a.id) + '"]', list), li = answerItem(s, a);
    if (old) list.replaceChild(li, old); else list.appendChild(li);
    $$("li.empty", list).forEach(function (e) { e.remove(); });
    recount(s);
    if (live) announce("New answer from " + groupName(a.stakeholder_group) + ".");
  }
  function markMine(s, a) {
    if (!s.getAttribute("data-mine")) {
      s.setAttribute("data-mine", "1");
      var n = $("#answered"), p = $(".progress progress"), d = $('.dims a[data-dimension="' + esc(a.question_id.split(".")[0]) + '"] + .count');
      if (n) n.textContent = Number(n.textContent) + 1;
      if (p) p.value = Number(p.value) + 1;
      if (d) d.textContent = d.textContent.replace(/^\d+/, function (x) { return Number(x) + 1; });
    }
    recount(s);
    setSaveState(s, "Saved, revision " + a.revision + " (round " + a.round + ")");
  }
  function reloadAnswers() {
    fetch(api + "/answers", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (!j) return;
      $$("section.question").forEach(function (s) {
        var list = $(".answer-list", s);
        if (!list) return;
        list.textContent = "";
        var q = s.getAttribute("data-question");
        j.answers.forEach(function (a) {
          if (a.question_id === q && !(you.participant_id && a.participant_id === you.participant_id)) list.appendChild(answerItem(s, a));
        });
        if (!list.children.length) list.appendChild(el("li", "empty", "No one else has answered yet."));
        recount(s);
      });
    }).catch(function () {});
  }

  // comments
  function commentItem(c) {
    var li = el("li", "comment" + (c.hidden ? " hidden-comment" : ""));
    li.id = "c-" + c.id;
    li.setAttribute("data-comment", c.id);
    var by = el("p", "by"), au = c.author || {};
    by.appendChild(el("strong", null, au.facilitator ? (au.display_name || "Facilitator") + " (facilitator)" :
      (au.display_name ? au.display_name + " \u00b7 " : "") + groupName(au.stakeholder_group)));
    if (c.stance) { by.appendChild(text(" ")); by.appendChild(el("span", "stance stance-" + c.stance, c.stance)); }
    var t = el("time", null, String(c.created_at).slice(0, 16).replace("T", " ") + " UTC");
    t.setAttribute("datetime", c.created_at);
    by.appendChild(text(" "));
    by.appendChild(t);
    if (c.edited) by.appendChild(text(" \u00b7 edited"));
    li.appendChild(by);
    if (c.deleted) li.appendChild(el("p", "muted", "This comment was deleted by its author."));
    else if (c.hidden && !c.body) li.appendChild(el("p", "muted", "A facilitator hid this comment."));
    else {
      if (c.hidden) li.appendChild(el("p", "muted", "Hidden by a facilitator" + (c.hidden_reason ? ": " + c.hidden_reason : "") + ". Only you and facilitators see it."));
      li.appendChild(el("p", "body", c.body));
    }
    if (you.facilitator && !c.hidden && !c.deleted) li.appendChild(hideForm(c.id));
    return li;
  }
  // hideForm is the facilitator's "hide with a reason" form, as the server renders it.
  function hideForm(id) {
    var f = el("form", "hide-form"), inp = el("input"), lab = el("label", null, "Reason"), b = el("button", null, "Hide");
    f.method = "post";
    f.action = base + "/comments/" + encodeURIComponent(id) + "/hide";
    inp.name = "reason"; inp.required = true; inp.maxLength = 500; inp.id = "hide-" + id;
    lab.htmlFor = inp.id;
    b.type = "submit";
    f.appendChild(lab); f.appendChild(inp); f.appendChild(b);
    return f;
  }
  function showComment(c, isNew) {
    var list = $('.comment-list[data-question="' + esc(c.question_id) + '"]');
    if (!list) return;
    var old = document.getElementById("c-" + c.id), li = commentItem(c);
    if (old) {
      if (old.contains(document.activeElement)) return; // someone is typing a hide reason in it
      old.parentNode.replaceChild(li, old);
      return;
    }
    var parent = c.parent_id && document.getElementById("c-" + c.parent_id);
    if (parent) {
      var rep = parent.nextElementSibling;
      if (!rep || !rep.matches(".replies")) {
        rep = el("li", "replies");
        rep.appendChild(el("ul"));
        parent.parentNode.insertBefore(rep, parent.nextSibling);
      }
      $("ul", rep).appendChild(li);
    } else {
      list.appendChild(li);
    }
    var mine = you.participant_id ? (c.author || {}).participant_id === you.participant_id : (c.author || {}).facilitator && you.facilitator;
    if (isNew && !mine) announce("New comment on \u201c" + promptOf(c.question_id) + "\u201d.");
  }
  function showSynthesis(sy) {
    var s = section(sy.question_id);
    if (!s) return;
    var box = $(".synthesis", s) || el("div", "synthesis"), after = $(".answers", s);
    if (!box.parentNode) after.parentNode.insertBefore(box, after.nextSibling);
    box.textContent = "";
    box.appendChild(el("h4", null, "Workshop synthesis: " + sy.status));
    if (sy.summary) box.appendChild(el("p", null, sy.summary));
    if (sy.dissent) box.appendChild(el("p", null, "Dissent: " + sy.dissent));
    announce("New synthesis recorded.");
  }

  // session: spotlight, locks, blind mode, rounds, timer
  function applySession(st, live) {
    var prev = session;
    session = st;
    var locked = st.locked || [];
    $$("section.question").forEach(function (s) {
      var q = s.getAttribute("data-question"), isLocked = locked.indexOf(q) >= 0, spot = st.spotlight === q;
      s.classList.toggle("spotlight", spot);
      s.classList.toggle("locked", isLocked);
      var b = $(".badge.spot", s); if (b) b.hidden = !spot;
      b = $(".badge.lock", s); if (b) b.hidden = !isLocked;
      b = $("form.answer-form button[type=submit]", s); if (b) b.disabled = isLocked;
      b = $("form.fac-q button[data-action=lock], form.fac-q button[data-action=unlock]", s);
      if (b) { b.value = isLocked ? "unlock" : "lock"; b.setAttribute("data-action", b.value); b.textContent = isLocked ? "Unlock" : "Lock"; }
    });
    var r = $("#round"); if (r) r.textContent = st.round;
    var nr = $('.inline-controls button[value=next_round]'); if (nr) nr.textContent = "Open round " + (st.round + 1);
    var bl = $('.inline-controls button[value=blind_on], .inline-controls button[value=blind_off]');
    if (bl) { bl.value = st.blind ? "blind_off" : "blind_on"; bl.textContent = st.blind ? "Reveal answers (blind off)" : "Blind mode on"; }
    timerEnds = st.timer_ends_at ? Date.parse(st.timer_ends_at) : 0;
    tick();
    if (!live) return;
    // Participants follow the spotlight; facilitators drive it and keep their place on the page.
    if (st.spotlight && st.spotlight !== prev.spotlight) {
      if (you.facilitator) announce("In focus now: \u201c" + promptOf(st.spotlight) + "\u201d.");
      else follow(st.spotlight);
    }
    var lockedNow = locked.filter(function (q) { return (prev.locked || []).indexOf(q) < 0; });
    if (lockedNow.length) announce("Locked: \u201c" + promptOf(lockedNow[0]) + "\u201d.");
    var bn = document.getElementById("blind-note");
    if (bn) bn.hidden = !st.blind;
    if (!!st.blind !== !!prev.blind) { announce(st.blind ? "Blind mode on." : "Blind mode off: answers revealed."); reloadAnswers(); }
    if (st.round !== prev.round) announce("Round " + st.round + " is open.");
  }
  function follow(q) {
    var s = section(q);
    if (s) {
      announce("In focus now: \u201c" + promptOf(q) + "\u201d.");
      if (typing()) notice("spot", "The facilitator moved on.", "Go there", "#q-" + q, function () { s.scrollIntoView({ block: "start" }); });
      else s.scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    var href = base + "?d=" + encodeURIComponent(q.split(".")[0]) + "#q-" + q;
    if (typing() || hasDraft()) notice("spot", "The facilitator moved to another page.", "Go there", href);
    else location.href = href;
  }
  var timerEnds = 0, timeUp = false;
  function tick() {
    if (!timerEl) return;
    var left = timerEnds ? Math.round((timerEnds - Date.now() - skew) / 1000) : -1;
    if (!timerEnds) { timerEl.hidden = true; timeUp = false; return; }
    timerEl.hidden = false;
    if (left > 0) {
      timeUp = false;
      timerEl.textContent = "Time left: " + Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    } else {
      timerEl.textContent = "Time is up";
      if (!timeUp) { timeUp = true; announce("Time is up."); }
    }
  }
  if (timerEl && timerEl.getAttribute("data-left") > 0) timerEnds = Date.now() + 1000 * timerEl.getAttribute("data-left");
  setInterval(tick, 1000);
  tick();

  // Facilitator controls: the plain forms still work without script; with it they PATCH the session.
  document.addEventListener("submit", function (ev) {
    var f = ev.target, b = ev.submitter;
    if (!f.matches || !f.matches("form.inline-controls, form.fac-q") || !b) return;
    var act = b.value, q = (f.querySelector("input[name=question]") || {}).value, p = {};
    var locked = (session.locked || []).filter(function (x) { return x !== q; });
    if (act === "spotlight") p.spotlight = q;
    else if (act === "lock") { locked.push(q); p.locked = locked; } else if (act === "unlock") p.locked = locked;
    else if (act === "blind_on" || act === "blind_off") p.blind = act === "blind_on";
    else if (act === "next_round") p.round = (session.round || 1) + 1;
    else if (act === "timer") p.timer_seconds = 60 * Number((f.querySelector("input[name=minutes]") || {}).value || 0);
    else return;
    ev.preventDefault();
    b.disabled = true;
    send("PATCH", api + "/session", p).then(function (r) {
      b.disabled = false;
      if (r.ok && r.body.session) { if (!(r.body.seq <= lastSeq)) applySession(r.body.session, true); announce("Session updated."); }
      else notice("ctl", "The session was not updated: " + errText(r), null);
    });
  });

  function send(method, url, body, key) {
    var h = { "Content-Type": "application/json" };
    if (key) h["Idempotency-Key"] = key;
    return fetch(url, { method: method, credentials: "same-origin", headers: h, body: JSON.stringify(body) }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
    }, function () { return { ok: false, status: 0, body: {} }; });
  }
  function errText(r) {
    if (r.status === 0) return "you seem to be offline.";
    var e = r.body.error || {}, f = e.fields || {};
    var why = Object.keys(f).map(function (k) { return k.replace(/_/g, " ") + " " + f[k]; }).join("; ");
    return (e.message || "the server answered " + r.status + ".") + (why ? " (" + why + ")" : "");
  }

  // answers: autosave, with a queue that survives offline and reloads
  function setSaveState(s, text) { var e = $(".save-state", s); if (e) e.textContent = text; }
  function formBody(f) {
    var s = f.closest("section.question"), kind = s.getAttribute("data-kind");
    var choice = $("input[name=choice]:checked", f), body = { status: "answered", rationale: (f.elements.rationale || {}).value || "", evidence: [] };
    if (choice && (choice.value === "not_applicable" || choice.value === "unknown")) body.status = choice.value;
    else if (kind === "maturity") { if (!choice) return null; body.value = Number(choice.value); }
    else if (kind === "choice") { if (!choice) return null; body.value = choice.value; }
    else if (kind === "multi") body.value = $$("input[name=multi]:checked", f).map(function (i) { return i.value; });
    else body.value = (f.elements.text || {}).value || "";
    for (var i = 0; i < 10 && f.elements["url_" + i]; i++) {
      var u = f.elements["url_" + i].value.trim(), t = f.elements["title_" + i].value.trim();
      if (u || t) body.evidence.push({ url: u, title: t });
    }
    return body;
  }
  // The queue is {question: {body, key}} in localStorage (in memory where storage is refused).
  var mem = null, inFlight = {}, flushTimer = null, flushWait = 2000;
  function queue() { if (mem) return mem; try { return JSON.parse(localStorage.getItem(QKEY) || "{}") || {}; } catch (e) { return {}; } }
  function writeQueue(qu) {
    try { if (Object.keys(qu).length) localStorage.setItem(QKEY, JSON.stringify(qu)); else localStorage.removeItem(QKEY); } catch (e) { mem = qu; }
    showPending();
  }
  function showPending() {
    if (!pendingEl) return;
    var qu = queue(), n = Object.keys(qu).filter(function (q) { return inFlight[q] !== qu[q].key; }).length;
    pendingEl.textContent = n ? n + (n === 1 ? " answer" : " answers") + " waiting to be sent" : "";
  }
  function key() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.from(a, function (b) { return (256 + b).toString(16).slice(1); }).join("");
  }
  function saveAnswer(f) {
    var q = f.getAttribute("data-question"), s = f.closest("section.question"), body = formBody(f);
    if (!body) { setSaveState(s, "Choose an answer to save."); return; }
    var qu = queue();
    qu[q] = { body: body, key: key() }; // a new save replaces an unsent one: last write wins
    writeQueue(qu);
    f.setAttribute("data-dirty", "0");
    setSaveState(s, "Saving\u2026");
    deliver(q);
  }
  // deliver sends the queued save of q, one request per question at a time so saves land in order;
  // a retry reuses the save's Idempotency-Key, so the server stores it once.
  function deliver(q) {
    var entry = queue()[q];
    if (!entry || inFlight[q]) return;
    inFlight[q] = entry.key;
    send("PUT", api + "/answers/" + encodeURIComponent(q), entry.body, entry.key).then(function (r) {
      delete inFlight[q];
      var s = section(q), qu = queue(), cur = qu[q];
      // 2xx and refusals are final; offline, 401 (log in again), 408, 429 and 5xx stay queued.
      var settled = r.ok || (r.status >= 400 && r.status < 500 && [401, 408, 429].indexOf(r.status) < 0);
      if (settled && cur && cur.key === entry.key) { delete qu[q]; writeQueue(qu); }
      else showPending();
      if (r.ok) { flushWait = 2000; if (s && r.body.answer) markMine(s, r.body.answer); } else {
        if (s) setSaveState(s, settled ? "Not saved: " + errText(r) : "Waiting to send\u2026");
        if (!settled) retryLater();
      }
      if (cur && cur.key !== entry.key) deliver(q); // a newer save waited for this one
    });
  }
  function flushQueue() {
    clearTimeout(flushTimer);
    flushTimer = null;
    Object.keys(queue()).forEach(deliver);
    showPending();
  }
  function retryLater() {
    if (flushTimer) return;
    flushTimer = setTimeout(flushQueue, flushWait);
    flushWait = Math.min(flushWait * 2, 30000);
  }
  window.addEventListener("storage", function (ev) { if (ev.key === QKEY) showPending(); });

  var debounce = {};
  $$("form.answer-form").forEach(function (f) {
    var q = f.getAttribute("data-question");
    f.addEventListener("change", function (ev) {
      // A short pause lets arrow keys move across the levels without saving a revision per step.
      if (ev.target.type === "radio" || ev.target.type === "checkbox") {
        clearTimeout(debounce[q]);
        debounce[q] = setTimeout(function () { saveAnswer(f); }, 800);
      }
    });
    f.addEventListener("input", function (ev) {
      if (ev.target.type === "radio" || ev.target.type === "checkbox") return;
      f.setAttribute("data-dirty", "1");
      clearTimeout(debounce[q]);
      debounce[q] = setTimeout(function () { saveAnswer(f); }, 1200);
    });
    f.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(debounce[q]); saveAnswer(f); });
  });
  // Saves still queued from an earlier visit show in their forms (unless someone is editing there).
  (function restore() {
    var qu = queue();
    Object.keys(qu).forEach(function (q) {
      var f = $('form.answer-form[data-question="' + esc(q) + '"]'), b = qu[q].body;
      if (!f || f.contains(document.activeElement)) return;
      var v = b.status !== "answered" ? b.status : b.value;
      $$("input[name=choice], input[name=multi]", f).forEach(function (i) {
        i.checked = Array.isArray(v) ? v.indexOf(i.value) >= 0 : String(v) === i.value;
      });
      var fe = f.elements;
      if (fe.rationale) fe.rationale.value = b.rationale || "";
      if (fe.text && b.status === "answered") fe.text.value = v;
      for (var i = 0; fe["url_" + i]; i++) {
        var e = (b.evidence || [])[i] || {};
        fe["url_" + i].value = e.url || "";
        fe["title_" + i].value = e.title || "";
      }
      setSaveState(f.closest("section.question"), "Waiting to send\u2026");
    });
  })();

  // comments: POST without leaving the page, so the draft survives a failure
  $$("form.comment-form").forEach(function (f) {
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = f.getAttribute("data-question"), ta = f.elements.body, btn = $("button[type=submit]", f);
      var body = { body: ta.value, stance: f.elements.stance.value };
      if (f.elements.parent_id && f.elements.parent_id.value) body.parent_id = f.elements.parent_id.value;
      var st = $(".comment-state", f) || btn.parentNode.insertBefore(el("span", "comment-state"), btn.nextSibling);
      st.setAttribute("aria-live", "polite");
      btn.disabled = true;
      st.textContent = "Posting\u2026";
      send("POST", api + "/questions/" + encodeURIComponent(q) + "/comments", body).then(function (r) {
        btn.disabled = false;
        if (r.ok && r.body.comment) {
          ta.value = "";
          f.elements.stance.value = "";
          if (f.elements.parent_id) f.elements.parent_id.value = "";
          st.textContent = "Posted.";
          showComment(Object.assign({ question_id: q }, r.body.comment), false);
        } else {
          st.textContent = "Not posted: " + errText(r) + " Your text is kept.";
        }
      });
    });
  });

  showPending();
  flushQueue();
  setState("reconnecting");
  connect();
})();
