/*! Quarry chat widget: one script tag, no build step.
 *
 *   <script src="http://HOST/widget.js" data-quarry-endpoint="http://HOST" defer></script>
 *
 * Optional attributes: data-quarry-mode="inline" with data-quarry-target="#selector" renders the
 * chat inside that element instead of a launcher button; data-quarry-title sets the header;
 * data-quarry-key sends a public widget key as X-API-Key.
 * Everything from the server is rendered with textContent, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var endpoint = (script.getAttribute("data-quarry-endpoint") || "").replace(/\/+$/, "");
  var mode = script.getAttribute("data-quarry-mode") || "launcher";
  var title = script.getAttribute("data-quarry-title") || "Ask the documents";
  var apiKey = script.getAttribute("data-quarry-key");
  var storageKey = "quarry-widget:" + endpoint;
  var MAX_CHARS = 2000;  // the server's limit on a question
  // The tag may be included twice (a template and a tag manager): the second is a no-op.
  var loaded = (window.__quarryWidgets = window.__quarryWidgets || {});
  if (loaded[endpoint]) return;
  loaded[endpoint] = true;
  // In <head> without defer the body does not exist yet: wait for it.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  function start() {

  var CSS = [
    ":host{all:initial;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328}",
    // A host rule on * (even !important) beats :host and its inherited properties would flow in:
    // the frame inside the shadow tree sets every inherited property itself, so none comes from
    // the page (color-scheme too: a dark page must not darken the form controls).
    ".qw{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;",
    "direction:ltr;unicode-bidi:normal;writing-mode:horizontal-tb;text-shadow:none;font-variant:normal;",
    "font-style:normal;font-weight:400;font-stretch:normal;font-kerning:auto;font-feature-settings:normal;",
    "font-size-adjust:none;letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;",
    "text-align:left;white-space:normal;word-break:normal;overflow-wrap:normal;hyphens:manual;tab-size:8;",
    "visibility:visible;cursor:auto;caret-color:auto;quotes:auto;list-style:disc outside;",
    "color-scheme:light;-webkit-text-fill-color:currentcolor;-webkit-text-stroke:0;text-rendering:auto}",
    // Inherited properties cross the shadow boundary: reset the ones host pages like to set.
    "*{box-sizing:border-box;letter-spacing:normal;word-spacing:normal;text-transform:none;",
    "text-indent:0;text-align:left;font-style:normal}",
    ".launcher,.panel{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:999px;",
    "padding:12px 18px;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".panel{display:flex;flex-direction:column;background:#fff;border:1px solid #d0d7de;border-radius:12px;",
    "overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.2)}",
    ".floating{position:fixed;right:16px;bottom:72px;z-index:2147483000;width:min(400px,calc(100vw - 16px));",
    "height:min(600px,calc(100vh - 96px))}",
    ".inline{width:100%;height:100%;min-height:420px}",
    "@media (max-width:480px){.floating{right:8px;left:8px;width:auto;bottom:64px}}",
    ".hidden{display:none!important}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#1d4ed8;color:#fff}",
    "header h2{flex:1;margin:0;font-size:15px}",
    "header button{background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:6px;",
    "padding:2px 8px;font:inherit;cursor:pointer}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px}",
    ".msg{padding:8px 10px;border-radius:10px;max-width:92%;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".user{align-self:flex-end;background:#dbeafe}",
    ".bot{align-self:flex-start;background:#f6f8fa;border:1px solid #e5e7eb}",
    ".abstained{background:#fff7ed;border-color:#fed7aa}",
    ".reason{margin-top:4px;font-size:0.9em;color:#57606a}",
    ".error{background:#fef2f2;border-color:#fecaca;color:#991b1b}",
    ".progress{color:#57606a;font-style:italic}",
    // Citation chips: 14 px text on a target of at least 24 x 24 px.
    "sup{vertical-align:baseline;font-size:inherit;line-height:1}",
    "sup button{border:0;background:#1d4ed8;color:#fff;border-radius:6px;font:600 14px/24px system-ui,sans-serif;",
    "min-width:24px;min-height:24px;padding:0 6px;margin:0 2px;cursor:pointer;vertical-align:middle}",
    ".conflict{margin-top:8px;padding:6px 8px;border-left:3px solid #d97706;background:#fffbeb;white-space:normal}",
    ".conflict strong{display:block;margin-bottom:4px}",
    ".counter{align-self:center;font-size:12px;color:#9a3412;white-space:nowrap}.counter.hidden{display:none}",
    ".retry{margin-left:6px;border:1px solid #d0d7de;background:#fff;border-radius:6px;padding:1px 8px;cursor:pointer;font:inherit}",
    ".feedback{margin-top:6px;display:flex;gap:6px;align-items:center;flex-wrap:wrap;font-size:12px;color:#57606a}",
    ".feedback button{border:1px solid #d0d7de;background:#fff;border-radius:6px;padding:2px 8px;cursor:pointer;font:inherit}",
    ".feedback input{flex:1 1 160px;min-width:0;border:1px solid #d0d7de;border-radius:6px;padding:3px 6px;font:inherit}",
    ".sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(110px,1fr));gap:6px}",
    ".side{background:#fff;border:1px solid #fcd34d;border-radius:8px;padding:6px 8px}",
    ".side .value{display:block;font-size:16px;font-weight:700;color:#92400e}",
    ".side .quote{display:block;font-size:13px}",
    ".side .from{display:block;color:#57606a;font-size:12px;margin-top:2px}",
    ".side button{margin-top:4px;border:1px solid #d97706;background:#fff;color:#92400e;border-radius:6px;",
    "font:14px system-ui,sans-serif;min-height:24px;padding:0 8px;cursor:pointer}",
    ".source{display:flex;flex-direction:column;border-top:1px solid #d0d7de;max-height:45%;background:#fafafa}",
    ".src-head{display:flex;align-items:flex-start;gap:8px;padding:8px 12px;border-bottom:1px solid #e5e7eb;background:#f3f4f6}",
    ".src-head .titles{flex:1;min-width:0}",
    ".source h3{margin:0;font-size:14px}",
    ".source .meta{color:#57606a;font-size:12px}",
    ".src-head button{border:1px solid #d0d7de;background:#fff;border-radius:6px;font:16px/1 system-ui,sans-serif;",
    "min-width:28px;min-height:28px;cursor:pointer}",
    ".src-body{position:relative;overflow-y:auto;padding:8px 12px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".source .text{white-space:pre-wrap;overflow-wrap:anywhere}",
    "mark{background:#fde68a;padding:0 1px}",
    "form{display:flex;gap:6px;padding:8px;border-top:1px solid #d0d7de}",
    "textarea{flex:1;resize:none;font:inherit;padding:6px 8px;border:1px solid #d0d7de;border-radius:8px;min-height:38px}",
    "form button{border:0;border-radius:8px;background:#1d4ed8;color:#fff;font:inherit;padding:0 14px;cursor:pointer}",
    "form button:disabled{opacity:.6;cursor:default}",
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text != null) node.textContent = text;
    return node;
  }

  var host = el("quarry-widget", { "data-quarry-widget": "" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", null, CSS));
  var frame = el("div", { class: "qw" });
  root.appendChild(frame);

  var panel = el("section", { class: "panel", role: "dialog", "aria-label": title });
  var header = el("header");
  header.appendChild(el("h2", null, title));
  var clearBtn = el("button", { type: "button", "aria-label": "Clear conversation" }, "Clear");
  header.appendChild(clearBtn);
  var closeBtn = null;
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Conversation" });
  var source = el("aside", { class: "source hidden", "aria-label": "Cited source", tabindex: "-1" });
  var form = el("form");
  var input = el("textarea", { rows: "2", maxlength: String(MAX_CHARS), placeholder: "Ask a question…", "aria-label": "Your question" });
  var counter = el("span", { class: "counter hidden", "aria-live": "polite" });
  function updateCounter() {
    var n = input.value.length;
    counter.classList.toggle("hidden", n < MAX_CHARS * 0.9);
    counter.textContent = n + " / " + MAX_CHARS;
  }
  input.addEventListener("input", updateCounter);
  var send = el("button", { type: "submit" }, "Send");
  form.appendChild(input);
  form.appendChild(counter);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(source);
  panel.appendChild(form);

  var launcher = null;
  if (mode === "inline") {
    panel.classList.add("inline");
    frame.appendChild(panel);
    var target = document.querySelector(script.getAttribute("data-quarry-target") || "");
    (target || script.parentNode).appendChild(host);
  } else {
    panel.classList.add("floating", "hidden");
    closeBtn = el("button", { type: "button", "aria-label": "Close chat" }, "×");
    header.appendChild(closeBtn);
    launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false" }, "Ask");
    frame.appendChild(launcher);
    frame.appendChild(panel);
    document.body.appendChild(host);
    launcher.addEventListener("click", function () { setOpen(panel.classList.contains("hidden")); });
    closeBtn.addEventListener("click", function () { setOpen(false); });
  }

  function setOpen(open) {
    if (!launcher) return;
    panel.classList.toggle("hidden", !open);
    launcher.setAttribute("aria-expanded", String(open));
    if (open) input.focus(); else launcher.focus();
  }

  // ---- history (sessionStorage: survives a reload within the tab) ----
  var history = [];
  try { history = JSON.parse(sessionStorage.getItem(storageKey) || "[]"); } catch (e) { history = []; }
  function save() {
    try { sessionStorage.setItem(storageKey, JSON.stringify(history.slice(-50))); } catch (e) { /* full or blocked */ }
  }

  function addUser(text) {
    log.appendChild(el("div", { class: "msg user" }, text));
    log.scrollTop = log.scrollHeight;
  }

  // Keep the top of an answer in view: scroll down to it, never past its first line.
  function reveal(node) {
    var question = node.previousSibling;
    var top = question && question.offsetTop > node.offsetTop - 80 ? question.offsetTop : node.offsetTop;
    log.scrollTop = Math.min(log.scrollHeight, Math.max(0, top - 8));
  }

  function citeButton(c) {
    var sup = el("sup");
    var b = el("button", { type: "button", "aria-label": "Source " + c.n + ": " + c.title }, String(c.n));
    b.addEventListener("click", function () { openSource(c); });
    sup.appendChild(b);
    return sup;
  }

  function renderAnswer(node, body) {
    node.textContent = "";
    node.classList.remove("progress");
    if (body.abstained) {
      node.classList.add("abstained");
      node.textContent = body.answer;
      if (body.abstain_reason) node.appendChild(el("div", { class: "reason" }, body.abstain_reason));
      if (body.answer_id) node.appendChild(feedbackRow(body));
      return;
    }
    var byN = {};
    body.citations.forEach(function (c) { byN[c.n] = c; });
    // Split on the [n] markers; the text between them is rendered as plain text.
    var parts = body.answer.split(/\[(\d+)\]/);
    for (var i = 0; i < parts.length; i++) {
      if (i % 2 === 0) { if (parts[i]) node.appendChild(document.createTextNode(parts[i])); }
      else if (byN[parts[i]]) node.appendChild(citeButton(byN[parts[i]]));
      else node.appendChild(document.createTextNode("[" + parts[i] + "]"));
    }
    (body.conflicts || []).forEach(function (conflict) {
      // Each side in its own column: the value it gives (or its words), its source, a link.
      var box = el("div", { class: "conflict", role: "note" });
      box.appendChild(el("strong", null, conflict.kind === "stance" ? "Sources disagree on this reading" : "Sources disagree"));
      var sides = el("div", { class: "sides" });
      conflict.claims.forEach(function (claim) {
        var side = el("div", { class: "side" });
        if (claim.value) side.appendChild(el("span", { class: "value" }, claim.value));
        else side.appendChild(el("span", { class: "quote" }, "“" + shorten(claim.text, 140) + "”"));
        side.appendChild(el("span", { class: "from" }, claim.title));
        var c = { n: "", doc_id: claim.doc_id, title: claim.title, char_start: claim.char_start,
                  char_end: claim.char_end, page: null };
        // the accessible name starts with the visible text (axe: label-content-name-mismatch)
        var b = el("button", { type: "button", "aria-label": "Open source: " + claim.title }, "Open source");
        b.addEventListener("click", function () { openSource(c); });
        side.appendChild(b);
        sides.appendChild(side);
      });
      box.appendChild(sides);
      node.appendChild(box);
    });
    if (body.answer_id) node.appendChild(feedbackRow(body));
  }

  // ---- feedback: a thumbs-down says what the answer should have been (it becomes a test) ----
  function feedbackRow(body) {
    var row = el("div", { class: "feedback" });
    var up = el("button", { type: "button", "aria-label": "Helpful" }, "\uD83D\uDC4D");
    var down = el("button", { type: "button", "aria-label": "Not helpful" }, "\uD83D\uDC4E");
    function sendFeedback(extra) {
      var payload = { answer_id: body.answer_id };
      for (var k in extra) payload[k] = extra[k];
      row.textContent = "Sending…";
      fetch(endpoint + "/feedback", { method: "POST", headers: headers(), body: JSON.stringify(payload) })
        .then(function (r) { row.textContent = r.ok ? "Thanks for the feedback." : "Feedback could not be sent (" + r.status + ")."; })
        .catch(function () { row.textContent = "Feedback could not be sent."; });
    }
    up.addEventListener("click", function () { sendFeedback({ rating: "up" }); });
    down.addEventListener("click", function () {
      row.textContent = "";
      var fix = el("input", { type: "text", maxlength: "2000", "aria-label": "What should the answer have said?", placeholder: "What should it have said?" });
      var send = el("button", { type: "button", class: "fb-send" }, "Send");
      var none = el("button", { type: "button", class: "fb-abstain" }, "The documents don't say");
      send.addEventListener("click", function () { sendFeedback({ rating: "down", correct_answer: fix.value.trim() }); });
      none.addEventListener("click", function () { sendFeedback({ rating: "down", should_abstain: true }); });
      row.appendChild(fix); row.appendChild(send); row.appendChild(none);
      fix.focus();
    });
    row.appendChild(up); row.appendChild(down);
    return row;
  }

  function shorten(text, n) {
    return text.length <= n ? text : text.slice(0, n - 1).replace(/\s+\S*$/, "") + "…";
  }

  function addBot(body) {
    var node = el("div", { class: "msg bot" });
    renderAnswer(node, body);
    log.appendChild(node);
    reveal(node);
  }

  function addError(text, retry) {
    var node = el("div", { class: "msg bot error", role: "alert" }, text);
    if (retry) {
      var again = el("button", { type: "button", class: "retry" }, "Try again");
      again.addEventListener("click", function () {
        if (busy) return;
        node.parentNode.removeChild(node);
        retry();
      });
      node.appendChild(document.createTextNode(" "));
      node.appendChild(again);
    }
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
  }

  function replay() {
    log.textContent = "";
    history.forEach(function (item) {  // errors are not kept: a reload does not replay them
      if (item.role === "user") addUser(item.text);
      else if (item.role === "bot") addBot(item.body);
    });
    log.scrollTop = log.scrollHeight;  // reopen at the latest message
  }

  clearBtn.addEventListener("click", function () {
    history = []; save(); replay();
    source.classList.add("hidden");
    input.focus();
  });

  // ---- source panel: the quoted span highlighted in its surrounding text ----
  // Only a window around the span is fetched (not the whole document), with no Content-Type
  // on the GET: without a key it is a simple request, so the browser sends no preflight.
  var CONTEXT = 400;
  var windows = {};
  function fetchWindow(c) {
    var from = Math.max(0, c.char_start - CONTEXT), to = c.char_end + CONTEXT;
    var url = endpoint + "/documents/" + encodeURIComponent(c.doc_id) + "/text?start=" + from + "&end=" + to;
    if (!windows[url]) {
      windows[url] = fetch(url, { headers: apiKey ? { "X-API-Key": apiKey } : {} })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .catch(function (e) { delete windows[url]; throw e; });
    }
    return windows[url];
  }

  // A fixed header (title, page, close button) over the scrolling text.
  function sourceFrame(titleText, metaText) {
    source.textContent = "";
    var head = el("div", { class: "src-head" });
    var titles = el("div", { class: "titles" });
    titles.appendChild(el("h3", null, titleText));
    titles.appendChild(el("div", { class: "meta" }, metaText));
    head.appendChild(titles);
    var close = el("button", { type: "button", class: "src-close", title: "Close the source" });
    close.appendChild(el("span", { "aria-hidden": "true" }, "×"));
    close.appendChild(el("span", { class: "sr" }, "Close the source"));
    close.addEventListener("click", closeSource);
    head.appendChild(close);
    // focusable, so the quote scrolls by keyboard (axe: scrollable-region-focusable)
    var body = el("div", { class: "src-body", tabindex: "0", role: "region", "aria-label": "Quoted passage" });
    source.appendChild(head);
    source.appendChild(body);
    return body;
  }

  function closeSource() {
    source.classList.add("hidden");
    input.focus();
  }

  function openSource(c) {
    source.classList.remove("hidden");
    sourceFrame(c.title, "Loading…");
    fetchWindow(c).then(function (w) {
      var page = c.page;
      if (page == null) w.pages.forEach(function (p) { if (p[1] <= c.char_start && c.char_start < p[2]) page = p[0]; });
      var meta = (c.n ? "Source " + c.n : "Cited passage") + (page != null ? " · page " + page : "");
      var body = sourceFrame(w.title, meta);
      body.title = w.doc_id + ", characters " + c.char_start + "–" + c.char_end;
      var text = el("div", { class: "text" });
      var a = c.char_start - w.start, b = c.char_end - w.start;
      text.appendChild(document.createTextNode((w.start > 0 ? "…" : "") + w.text.slice(0, a)));
      var mark = el("mark", null, w.text.slice(a, b));
      text.appendChild(mark);
      text.appendChild(document.createTextNode(w.text.slice(b) + (w.end < w.length ? "…" : "")));
      body.appendChild(text);
      body.scrollTop = Math.max(0, mark.offsetTop - 24);
      source.focus();
    }).catch(function () {
      sourceFrame(c.title, "Could not load the source document.");
    });
  }

  // ---- asking, with the answer streamed as Server-Sent Events ----
  function headers() {
    var h = { "Content-Type": "application/json" };
    if (apiKey) h["X-API-Key"] = apiKey;
    return h;
  }

  function describeError(status, payload) {
    var detail = payload && payload.detail;
    if (Array.isArray(detail)) detail = detail.map(function (d) { return (d.loc || []).slice(-1)[0] + ": " + d.msg; }).join("; ");
    if (status === 429) return "Too many questions right now. Please wait a moment and try again.";
    if (status === 403 && /origin/.test(String(detail))) return originRefused();
    if (status >= 500 && !detail) detail = "the server had a problem";
    return "Sorry, the question could not be answered (" + status + "): " + (detail || "request failed") + ".";
  }

  function originRefused() {
    var origin = location.origin;
    if (window.console) console.error("Quarry: the server at " + endpoint + " does not allow requests from " + origin + ": add it to the widget key's \"origins\" in the keys file (or QUARRY_ALLOWED_ORIGINS).");
    return "This page's origin (" + origin + ") is not allowed by the Quarry server: add it to the key's origins.";
  }

  // A request the browser blocked (CORS) and one that never reached the server look the same
  // to fetch; a no-cors probe of /healthz tells them apart: it succeeds when the server is up.
  function unreachable() {
    return fetch(endpoint + "/healthz", { mode: "no-cors", cache: "no-store" }).then(
      function () { return originRefused(); },
      function () { return "Could not reach the Quarry server. Check your connection and try again."; }
    );
  }

  function parseEvents(buffer, onEvent) {
    var blocks = buffer.split("\n\n");
    var rest = blocks.pop();
    blocks.forEach(function (block) {
      var name = "message", data = "";
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
      });
      if (data) onEvent(name, JSON.parse(data));
    });
    return rest;
  }

  var busy = false;
  function ask(question, again) {
    busy = true;
    send.disabled = true;
    // Screen readers wait while the log is busy, so the streamed answer is announced once, as
    // it stands when the stream ends, not sentence by sentence and again when re-rendered.
    log.setAttribute("aria-busy", "true");
    if (!again) {
      addUser(question);
      history.push({ role: "user", text: question }); save();
    }
    var retryIn = null;
    var node = el("div", { class: "msg bot progress" }, "Searching the documents…");
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
    var finished = false;
    var started = false;
    var timedOut = false;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { timedOut = true; if (controller) controller.abort(); }, 60000);
    function fail(text) {
      // The question goes back into the box (unless something else was typed) with a retry.
      if (node.parentNode) node.parentNode.removeChild(node);
      if (!input.value.trim()) { input.value = question; updateCounter(); }
      addError(text, function () { input.value = ""; updateCounter(); ask(question, true); });
    }
    fetch(endpoint + "/ask/stream", { method: "POST", headers: headers(), body: JSON.stringify({ question: question }),
                                      signal: controller ? controller.signal : undefined })
      .then(function (response) {
        started = true;
        if (response.status === 429 && again !== "after-wait") {
          // Wait as long as the server says (bounded), counting down, then try once more.
          var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
          retryIn = Math.max(1, Math.min(60, isNaN(seconds) ? 5 : seconds));
          finished = true;
          return;
        }
        if (!response.ok) {
          return response.json().catch(function () { return null; }).then(function (p) { fail(describeError(response.status, p)); finished = true; });
        }
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        var streamed = el("span");
        function onEvent(name, data) {
          if (name === "retrieval") node.textContent = "Found " + data.passages.length + " passages. Reading…";
          else if (name === "sentence") {
            if (!streamed.parentNode) { node.textContent = ""; node.classList.remove("progress"); node.appendChild(streamed); }
            streamed.appendChild(document.createTextNode(data.text + " "));
            streamed.appendChild(citeButton(data.citation));
            streamed.appendChild(document.createTextNode(" "));
          } else if (name === "done") {
            finished = true;
            renderAnswer(node, data);
            history.push({ role: "bot", body: data }); save();
          } else if (name === "error") {
            finished = true;
            fail("Sorry, the answer could not be completed: " + data.detail + ".");
            return;
          }
          reveal(node);
        }
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { parseEvents(buffer + "\n\n", onEvent); return; }
            buffer = parseEvents(buffer + decoder.decode(chunk.value, { stream: true }), onEvent);
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        if (finished) return;
        finished = true;
        if (timedOut) fail("The server took too long to answer. Please try again.");
        else if (started) fail("The connection dropped before the answer was complete. Please try again.");
        else return unreachable().then(fail);
      })
      .then(function () {
        clearTimeout(timer);
        if (retryIn != null) {
          var left = retryIn;
          node.classList.add("waiting");
          var tick = function () {
            if (left <= 0) { node.parentNode.removeChild(node); ask(question, "after-wait"); return; }
            node.textContent = "Too many questions right now. Trying again in " + left + " s…";
            left -= 1;
            setTimeout(tick, 1000);
          };
          tick();
          return;  // still busy until the retry ends
        }
        if (!finished) fail("The connection dropped before the answer was complete. Please try again.");
        log.setAttribute("aria-busy", "false");
        busy = false;
        send.disabled = false;
        input.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question || busy) return;
    input.value = "";
    updateCounter();
    ask(question);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  root.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (!source.classList.contains("hidden")) closeSource();
    else setOpen(false);
  });

  replay();
  }
})();
