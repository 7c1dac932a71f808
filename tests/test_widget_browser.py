"""The chat widget in a real Chromium against a real `quarry serve` on loopback.

Screenshots of the main states are saved in test-artifacts/screenshots/.
"""

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.conftest import ARTIFACTS, free_port, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ARTIFACTS / "screenshots"
XSS_DOC = (
    "Zebra Ridge safety notice\n\n"
    "At the Zebra Ridge site <script>window.__xss = 1</script> all workers must wear blue helmets. "
    'The Zebra Ridge blasting schedule <img src=x onerror="window.__xss = 2"> is posted daily. '
    'See <a href="javascript:window.__xss = 3">javascript:window.__xss = 3</a> for the memo.\n'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_settings):
    data_dir = tmp_path_factory.mktemp("widget") / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"QUARRY_DATA_DIR": str(data_dir), "QUARRY_ALLOWED_ORIGINS": f'["{url}"]'}
    proc = start_server(env, port)
    yield {"url": url, "proc": proc, "data_dir": data_dir}
    proc.kill()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is required: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    pg = context.new_page()
    pg.goto(server["url"] + "/")
    yield pg
    context.close()


def ingest_into(server, embedder, path):
    """Add a file to the running server's index, as another process would (it hot-reloads)."""
    from quarry.ingestor import Ingestor
    from quarry.settings import Settings

    Ingestor(Settings(data_dir=server["data_dir"]), embedder, progress=False).ingest([path])


def ask(page, question):
    if page.locator(".panel").is_hidden():
        page.click(".launcher")
    count = page.locator(".msg.bot:not(.progress)").count()  # before sending: errors are fast
    page.fill("textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelector('[data-quarry-widget]').shadowRoot"
        ".querySelectorAll('.msg.bot:not(.progress)').length > n",
        arg=count,
        timeout=60_000,
    )
    return page.locator(".msg.bot:not(.progress)").last


def test_answer_streams_in_and_citation_opens_the_quote(page, server):
    last = ask(page, "How much is the FWO agreement with US Strategic Metals worth?")
    assert "$500 million" in last.inner_text()
    page.screenshot(path=str(SHOTS / "answer.png"))
    api = httpx.post(
        server["url"] + "/ask",
        json={"question": "How much is the FWO agreement with US Strategic Metals worth?"},
    ).json()
    last.locator("sup button").first.click()
    mark = page.locator(".source mark")
    mark.wait_for()
    assert mark.inner_text() == api["citations"][0]["quote"]
    # The panel's fixed header names the document by title, with a close button.
    assert page.locator(".source h3").inner_text() == api["citations"][0]["title"]
    assert page.locator(".source .meta").inner_text().startswith("Source 1")
    head = page.locator(".src-head").bounding_box()
    page.locator(".src-body").evaluate("b => { b.scrollTop = b.scrollHeight; }")
    assert page.locator(".src-head").bounding_box() == head  # the header does not scroll away
    page.screenshot(path=str(SHOTS / "citation.png"))
    # Citation chips: 14 px text on a target of at least 24 x 24 px.
    chip = last.locator("sup button").first
    box = chip.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    assert chip.evaluate("b => getComputedStyle(b).fontSize") == "14px"
    page.locator(".src-close").click()
    assert page.locator(".source").is_hidden()
    # Host page CSS (hotpink buttons, letter-spacing) does not reach inside the widget.
    color = page.locator(".launcher").evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(29, 78, 216)"
    spacing = page.locator(".msg.bot").last.evaluate("m => getComputedStyle(m).letterSpacing")
    assert spacing == "normal"


def test_stream_sends_retrieval_then_sentences_then_done(server):
    events = []
    with httpx.stream(
        "POST",
        server["url"] + "/ask/stream",
        json={"question": "Who is the spokesman of China's Foreign Ministry?"},
    ) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line[7:] for line in r.iter_lines() if line.startswith("event: ")]
    assert events[0] == "retrieval" and events[-1] == "done"
    assert "sentence" in events and events.index("citations") == len(events) - 2


def test_stream_says_why_it_abstains(server):
    with httpx.stream(
        "POST",
        server["url"] + "/ask/stream",
        json={"question": "What is the boiling point of liquid nitrogen?"},
    ) as r:
        lines = list(r.iter_lines())
    events = [line[7:] for line in lines if line.startswith("event: ")]
    data = [json.loads(line[6:]) for line in lines if line.startswith("data: ")]
    assert "sentence" not in events
    abstained = data[events.index("abstained")]
    assert abstained["reason"] and abstained["reason"] == data[-1]["abstain_reason"]
    assert data[-1]["abstained"] is True


def test_conflict_shows_the_values_side_by_side(page):
    last = ask(page, "How much has China invested in CPEC?")
    # The top of the new (long) answer is in view, not the end of its disagreement box.
    in_view = last.evaluate(
        "m => { const log = m.parentNode.getBoundingClientRect();"
        " const r = m.getBoundingClientRect();"
        " return r.top >= log.top - 1 && r.top < log.bottom; }"
    )
    assert in_view
    note = last.locator(".conflict")
    assert "Sources disagree" in note.inner_text()
    sides = note.locator(".side")
    assert sides.count() >= 2
    values = [sides.nth(i).locator(".value").inner_text() for i in range(sides.count())]
    assert len(set(values)) >= 2 and all("billion" in v for v in values)
    boxes = [sides.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side
    page.screenshot(path=str(SHOTS / "conflict.png"))
    sides.nth(1).locator("button").click()
    page.locator(".source mark").wait_for()
    assert values[1] in page.locator(".source mark").inner_text()
    page.locator(".src-close").click()


def test_abstention_is_shown_as_such(page):
    last = ask(page, "What is the capital of Australia?")
    assert "abstained" in last.get_attribute("class")
    assert "could not find an answer" in last.inner_text()
    assert "error" not in last.get_attribute("class")
    reason = last.locator(".reason")  # why, in words, under the message
    assert reason.count() == 1 and len(reason.inner_text()) > 10


def test_history_survives_reload_and_clear_empties_it(page):
    page.reload()
    page.click(".launcher")
    assert page.locator(".msg.user").count() == 3
    assert page.locator(".conflict").count() == 1
    page.keyboard.press("Escape")
    assert page.locator(".panel").is_hidden()
    assert (
        page.evaluate(
            "document.querySelector('[data-quarry-widget]').shadowRoot.activeElement.className"
        )
        == "launcher"
    )


def test_inline_mode_renders_in_the_target_element(browser, server):
    context = browser.new_context(viewport={"width": 900, "height": 700})
    pg = context.new_page()
    host_page = (
        "<!doctype html><html><body><h1>Inline host</h1><div id='chat' style='height:500px'>"
        f"</div><script src='{server['url']}/widget.js' data-quarry-endpoint='{server['url']}' "
        "data-quarry-mode='inline' data-quarry-target='#chat'></script></body></html>"
    )
    # Served from the API's own origin so that CORS allows it, as the demo page is.
    pg.route(
        f"{server['url']}/inline-host",
        lambda route: route.fulfill(status=200, content_type="text/html", body=host_page),
    )
    pg.goto(f"{server['url']}/inline-host")
    assert pg.locator(".launcher").count() == 0
    assert pg.evaluate("document.querySelector('#chat quarry-widget') !== null")
    last = ask(pg, "Who is the spokesman of China's Foreign Ministry?")
    assert "Lin Jian" in last.inner_text()
    context.close()


def test_narrow_screen_is_readable(browser, server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    pg = context.new_page()
    pg.goto(server["url"] + "/")
    pg.click(".launcher")
    box = pg.locator(".panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    pg.screenshot(path=str(SHOTS / "mobile-320.png"))
    context.close()


def test_api_docs_render_with_the_network_cut_off(browser, server):
    """Swagger UI's script and style come from this server; anything else is blocked."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    blocked = []

    def only_loopback(route):
        if route.request.url.startswith(server["url"]):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    pg = context.new_page()
    pg.goto(server["url"] + "/docs")
    pg.locator(".swagger-ui .info .title").wait_for(timeout=30_000)
    assert "Quarry" in pg.locator(".swagger-ui .info .title").inner_text()
    pg.locator(".opblock-summary-path", has_text="/ask/stream").first.wait_for()
    assert pg.locator(".opblock").count() >= 8
    assert blocked == []
    pg.screenshot(path=str(SHOTS / "api-docs-offline.png"))
    context.close()


def test_eval_report_leads_with_the_gate_and_the_failures(browser, seed_engine, tmp_path):
    """A real (short) eval run against a baseline it misses: the report shows why, at the top."""
    from eval.report import write_reports
    from eval.runner import InProcessClient, compare, load_gold, run_eval

    gold = [q for q in load_gold() if q.type in ("unanswerable", "paraphrase")]
    report = run_eval(InProcessClient(seed_engine), gold, progress=False)
    report["run"] = {"date": "today", "commit": "abc1234", "target": "in-process", "gold": "x"}
    baseline = {"tolerance": 0.02, "metrics": {"accuracy": 1.01, "groundedness": 1.0}}
    regressions = compare(report["metrics"], baseline)
    out = tmp_path / "report"
    write_reports(report, out, regressions, baseline)
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    pg.goto((out / "report.html").as_uri())
    gate = pg.locator("#gate")
    assert gate.inner_text().startswith("GATE FAILED")
    assert gate.evaluate("g => getComputedStyle(g).backgroundColor") == "rgb(185, 28, 28)"
    assert gate.bounding_box()["y"] < 100  # the verdict is the first thing on the page
    assert "accuracy regressed" in gate.inner_text()
    assert "commit abc1234" in pg.locator(".run").inner_text()
    deltas = pg.locator("td.down")
    assert deltas.count() >= 1 and deltas.first.inner_text().startswith("-")
    rows = pg.locator("tr.fail, tr.pass")
    results = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert results[0] == "FAIL" and results == sorted(results)  # every FAIL before any pass
    assert pg.locator("svg text", has_text="k (passages retrieved)").count() == 1
    assert pg.locator("svg text", has_text="recall").count() >= 1
    pg.screenshot(path=str(SHOTS / "eval-report.png"), full_page=False)
    context.close()


def test_pdf_citation_shows_its_page(page, server, real_embedder, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    for text in (
        "The Heron quarry report covers limestone output in general terms.",
        "On page two, the Heron quarry reports that it shipped 812 tonnes of marble.",
    ):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 10, text)
    path = tmp_path / "heron_report.pdf"
    pdf.output(str(path))
    ingest_into(server, real_embedder, path)
    last = ask(page, "How many tonnes of marble did the Heron quarry ship?")
    assert "812 tonnes" in last.inner_text()
    last.locator("sup button").first.click()
    page.locator(".source mark").wait_for()
    assert "page 2" in page.locator(".source .meta").inner_text()
    assert page.locator(".source h3").inner_text() != "heron_report"  # a title, not an id


def test_document_html_is_rendered_inert(page, server, real_embedder, tmp_path):
    doc = tmp_path / "zebra_ridge.txt"
    doc.write_text(XSS_DOC)
    ingest_into(server, real_embedder, doc)
    last = ask(page, "What must workers wear at the Zebra Ridge site?")
    assert "<script>window.__xss = 1</script>" in last.inner_text()
    last.locator("sup button").first.click()
    page.locator(".source mark").wait_for()
    assert "<img src=x onerror" in page.locator(".source .text").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss === undefined")
    assert page.locator("img").count() == 0  # nothing was turned into an element
    page.screenshot(path=str(SHOTS / "xss-inert.png"))


def test_http_errors_and_a_cut_stream_are_readable(page):
    # The box holds at most the server's 2,000 characters, with a counter near the limit.
    page.fill("textarea", "why " * 600)
    assert len(page.input_value("textarea")) == 2000
    assert page.locator(".counter").inner_text() == "2000 / 2000"
    page.fill("textarea", "")
    # A 422 from the server, as it sends one for an over-long question.
    page.route(
        "**/ask/stream",
        lambda route: route.fulfill(
            status=422,
            content_type="application/json",
            body='{"detail": [{"loc": ["body", "question"], "msg": "at most 2000 characters"}]}',
        ),
    )
    ask(page, "A question the server refuses?")
    assert "(422)" in page.locator(".msg.error").last.inner_text()
    assert "question" in page.locator(".msg.error").last.inner_text()
    page.unroute("**/ask/stream")
    # A 5xx and a stream cut before its final event, simulated at the network layer.
    page.route(
        "**/ask/stream",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body='{"detail": "no index: run quarry"}'
        ),
    )
    ask(page, "Any answer?")
    assert "(503)" in page.locator(".msg.error").last.inner_text()
    page.unroute("**/ask/stream")
    page.route(
        "**/ask/stream",
        lambda route: route.fulfill(
            status=200,
            content_type="text/event-stream",
            body='event: retrieval\ndata: {"passages": []}\n\n',
        ),
    )
    ask(page, "Another answer?")
    assert "dropped" in page.locator(".msg.error").last.inner_text()
    page.unroute("**/ask/stream")
    assert page.locator("textarea").is_enabled()


def test_keys_file_origins_work_from_another_port_and_a_wrong_origin_is_explained(
    browser, seed_settings, tmp_path
):
    """A site owner's setup: the widget key's origins in the keys file, nothing else, the page on
    another port. Before, the browser's preflight got 400 and the widget blamed the network."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from api.security import hash_key

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    pages = []

    def host(tag: str) -> str:
        class Page(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                body = f"<!doctype html><html><body><h1>Host</h1>{tag}</body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        srv = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        pages.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    tag = (
        f"<script src='{url}/widget.js' data-quarry-endpoint='{url}' "
        "data-quarry-key='site-widget-key' defer></script>"
    )
    allowed, other = host(tag), host(tag)
    keys = tmp_path / "keys.json"
    keys.write_text(
        json.dumps({"widget": [{"hash": hash_key("site-widget-key"), "origins": [allowed]}]})
    )
    data_dir = tmp_path / "data"
    shutil.copytree(seed_settings.data_dir, data_dir)
    proc = start_server({"QUARRY_DATA_DIR": str(data_dir), "QUARRY_KEYS_FILE": str(keys)}, port)
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        pg = context.new_page()
        pg.goto(allowed + "/")
        question = "Who is the spokesman of China's Foreign Ministry?"
        assert "Lin Jian" in ask(pg, question).inner_text()
        logged = []
        pg2 = context.new_page()
        pg2.on("console", lambda m: logged.append(m.text))
        pg2.goto(other + "/")
        ask(pg2, question)
        error = pg2.locator(".msg.error").last.inner_text()
        assert "origin" in error and "not allowed" in error and other in error, error
        assert any("keys file" in line for line in logged)
    finally:
        context.close()
        proc.kill()
        proc.wait(timeout=30)
        for srv in pages:
            srv.shutdown()


def test_the_tag_in_head_without_defer_and_included_twice_gives_one_widget(browser, server):
    """Before: in <head> without defer it threw (no body yet); included twice, two widgets."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    tag = (
        f"<script src='{server['url']}/widget.js' data-quarry-endpoint='{server['url']}'></script>"
    )
    host_page = f"<!doctype html><html><head>{tag}{tag}</head><body><h1>Host</h1></body></html>"
    pg.route(
        f"{server['url']}/head-host",
        lambda route: route.fulfill(status=200, content_type="text/html", body=host_page),
    )
    pg.goto(f"{server['url']}/head-host")
    assert pg.evaluate("document.querySelectorAll('[data-quarry-widget]').length") == 1
    last = ask(pg, "Who is the spokesman of China's Foreign Ministry?")
    assert "Lin Jian" in last.inner_text() and not errors
    context.close()


def test_a_thumbs_down_from_the_widget_becomes_a_gold_question(page, server, tmp_path):
    from tests.test_cli import quarry

    question = "Who is the spokesman of China's Foreign Ministry?"
    last = ask(page, question)
    last.get_by_role("button", name="Not helpful").click()
    last.get_by_role("textbox", name="What should the answer have said?").fill("Lin Jian")
    last.get_by_role("button", name="Send").click()
    last.get_by_text("Thanks for the feedback.").wait_for(timeout=30_000)
    gold = tmp_path / "gold.jsonl"
    quarry("feedback", "export", "--gold", str(gold), data_dir=server["data_dir"])
    items = [json.loads(line) for line in gold.read_text().splitlines()]
    assert {"question": question, "answers": ["Lin Jian"]}.items() <= items[-1].items()


HOSTILE_CSS = (
    "* { font-family: serif !important; direction: rtl !important; color: green !important;"
    " text-shadow: 1px 1px red !important; font-variant: small-caps !important;"
    " letter-spacing: 3px !important; word-spacing: 9px !important; line-height: 3 !important;"
    " font-style: italic !important; text-transform: uppercase !important; }"
    " button, textarea { background: black !important; font-size: 30px !important; }"
)
PARTS = (".launcher", ".panel", "header", "textarea", "form button", ".msg.bot")
PROPS = (
    "fontFamily",
    "fontSize",
    "direction",
    "color",
    "textShadow",
    "fontVariant",
    "letterSpacing",
    "wordSpacing",
    "lineHeight",
    "fontStyle",
    "textTransform",
    "backgroundColor",
    "colorScheme",
)


def test_a_hostile_host_stylesheet_changes_nothing_inside(browser, server):
    """Before: a host rule on * beat :host { all: initial }, so inherited properties flowed in
    (a serif, mirrored, shadowed widget) and a dark page darkened the textarea."""

    def styles(head: str) -> dict:
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        pg = context.new_page()
        url = server["url"]
        body = (
            f"<!doctype html><html><head>{head}</head><body><h1>Host</h1>"
            f"<script src='{url}/widget.js' data-quarry-endpoint='{url}' defer></script>"
            "</body></html>"
        )
        pg.route(
            f"{url}/styled-host",
            lambda r: r.fulfill(status=200, content_type="text/html", body=body),
        )
        pg.goto(f"{url}/styled-host")
        ask(pg, "Who is the spokesman of China's Foreign Ministry?")
        found = pg.evaluate(
            """([parts, props]) => {
              const root = document.querySelector('[data-quarry-widget]').shadowRoot;
              const out = {};
              for (const sel of parts) {
                const el = root.querySelector(sel);
                const cs = getComputedStyle(el);
                out[sel] = Object.fromEntries(props.map(p => [p, cs[p]]));
              }
              return out;
            }""",
            [list(PARTS), list(PROPS)],
        )
        context.close()
        return found

    blank = styles("")
    hostile = styles(f"<meta name='color-scheme' content='dark'><style>{HOSTILE_CSS}</style>")
    for part in PARTS:
        assert hostile[part] == blank[part], (part, hostile[part], blank[part])


def test_an_error_keeps_the_question_with_a_retry_and_a_429_is_waited_out(page):
    question = "Who is the spokesman of China's Foreign Ministry?"
    page.route(
        "**/ask/stream",
        lambda route: route.fulfill(
            status=503, content_type="application/json", body='{"detail": "try later"}'
        ),
    )
    ask(page, question)
    assert page.input_value("textarea") == question  # not lost
    page.unroute("**/ask/stream")
    page.locator(".msg.error").last.get_by_role("button", name="Try again").click()
    page.wait_for_function(
        "() => document.querySelector('[data-quarry-widget]').shadowRoot"
        ".querySelector('.msg.bot:not(.progress):not(.error):last-child')?.textContent"
        ".includes('Lin Jian')",
        timeout=60_000,
    )
    assert page.input_value("textarea") == ""
    # A 429 with Retry-After: the widget counts down and tries once more by itself.
    calls = []

    def limited(route):
        calls.append(1)
        if len(calls) == 1:
            route.fulfill(
                status=429,
                headers={"Retry-After": "2", "Content-Type": "application/json"},
                body='{"detail": "rate limit exceeded"}',
            )
        else:
            route.continue_()

    page.route("**/ask/stream", limited)
    page.fill("textarea", question)
    page.keyboard.press("Enter")
    page.locator(".msg.waiting").wait_for(timeout=10_000)
    assert "Trying again in" in page.locator(".msg.waiting").inner_text()
    page.locator(".msg.waiting").wait_for(state="detached", timeout=30_000)
    last = page.locator(".msg.bot:not(.progress)").last
    last.wait_for()
    page.wait_for_function(
        "() => [...document.querySelector('[data-quarry-widget]').shadowRoot"
        ".querySelectorAll('.msg.bot')].pop().textContent.includes('Lin Jian')",
        timeout=60_000,
    )
    assert len(calls) == 2
    page.unroute("**/ask/stream")


def test_screen_reader_semantics(page):
    """role=log, aria-busy around an answer (announced once, as it ends), accessible names that
    start with the visible text, and a quote that scrolls by keyboard (axe's findings)."""
    page.evaluate(
        """() => {
          const log = document.querySelector('[data-quarry-widget]').shadowRoot
            .querySelector('.log');
          window.__busy = [];
          new MutationObserver(() => window.__busy.push(log.getAttribute('aria-busy')))
            .observe(log, {attributes: true, attributeFilter: ['aria-busy']});
        }"""
    )
    last = ask(page, "How much has China invested in CPEC?")
    page.wait_for_function("() => window.__busy.includes('false')")  # set once the stream ends
    assert page.evaluate("window.__busy") == ["true", "false"]
    assert page.locator(".log").get_attribute("role") == "log"
    opener = last.locator(".conflict button").first
    assert opener.get_attribute("aria-label").startswith(opener.inner_text())
    opener.click()
    page.locator(".source mark").wait_for()
    assert page.locator(".src-body").get_attribute("tabindex") == "0"
    page.get_by_role("button", name="Close the source").click()
    assert page.locator(".source").is_hidden()


# Last: it stops the module's server.
def test_server_down_shows_a_readable_error_and_widget_stays_usable(page, server):
    server["proc"].kill()
    server["proc"].wait(timeout=30)
    ask(page, "Is anyone there?")
    error = page.locator(".msg.error").last
    assert "Could not reach the Quarry server" in error.inner_text()
    assert page.locator("textarea").is_enabled()
    assert page.locator("form button").is_enabled()
    page.screenshot(path=str(SHOTS / "server-down.png"))
