#!/usr/bin/env node
// check.mjs opens an oomtriage HTML report in headless Chromium and checks
// that it renders cleanly:
//
//   node scripts/browser/check.mjs REPORT.html EXPECTED_COUNT SCREENSHOT.png \
//        [--expect-text STRING]... [--select FILTER=VALUE]... [--width N] [--height N] [--full-page]
//
// It fails (exit 1) when the page logs a console error, throws, violates its
// Content-Security-Policy, opens a dialog or calls alert/confirm/prompt, loads
// anything, holds an event-handler attribute or a script other than its own,
// when #incident-count or the number of [data-incident-id] cards differs
// from EXPECTED_COUNT, when an --expect-text string is not in the page text,
// or when a filter select shows the wrong cards. It always writes a PNG
// screenshot, after setting the filters named by --select (e.g. scope=pod).
// Exit 2 means Chromium could not be started or driven.
//
// No npm packages: Chromium is driven through the DevTools protocol over
// --remote-debugging-pipe (JSON messages separated by NUL on fds 3 and 4), so
// neither a WebSocket client nor a downloaded browser is needed. The binary
// is $CHROMIUM, else /usr/bin/chromium, else chromium / chromium-browser /
// google-chrome on PATH.

import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const usage = "usage: check.mjs REPORT.html EXPECTED_COUNT SCREENSHOT.png [--expect-text S]... [--select FILTER=VALUE]... [--width N] [--height N] [--full-page]";

function parseArgs(argv) {
  const opts = { expectText: [], select: [], width: 1280, height: 900, fullPage: false, pos: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--expect-text") opts.expectText.push(argv[++i] ?? "");
    else if (a === "--select") opts.select.push(argv[++i] ?? "");
    else if (a === "--width") opts.width = Number(argv[++i]);
    else if (a === "--height") opts.height = Number(argv[++i]);
    else if (a === "--full-page") opts.fullPage = true;
    else opts.pos.push(a);
  }
  if (opts.pos.length !== 3 || !/^\d+$/.test(opts.pos[1]) || !(opts.width > 0) || !(opts.height > 0)) {
    console.error(usage);
    process.exit(2);
  }
  return opts;
}

function findChromium() {
  const candidates = [];
  if (process.env.CHROMIUM) candidates.push(process.env.CHROMIUM);
  candidates.push("/usr/bin/chromium");
  for (const dir of (process.env.PATH || "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
      if (dir) candidates.push(join(dir, name));
    }
  }
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return null;
}

// CDP is a minimal DevTools-protocol client over Chromium's debugging pipe.
class CDP {
  constructor(proc) {
    this.proc = proc;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.buf = Buffer.alloc(0);
    this.closed = false;
    proc.stdio[4].on("data", (chunk) => this.onData(chunk));
    proc.on("exit", (code, signal) => {
      this.closed = true;
      for (const { reject } of this.pending.values()) {
        reject(new Error(`chromium exited (code ${code}, signal ${signal})`));
      }
      this.pending.clear();
    });
  }

  onData(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    let end;
    while ((end = this.buf.indexOf(0)) >= 0) {
      const msg = JSON.parse(this.buf.subarray(0, end).toString("utf8"));
      this.buf = this.buf.subarray(end + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (!p) continue;
        if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
        else p.resolve(msg.result);
      } else {
        for (const l of this.listeners) l(msg);
      }
    }
  }

  send(method, params = {}, sessionId) {
    if (this.closed) return Promise.reject(new Error("chromium is gone"));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.proc.stdio[3].write(JSON.stringify(msg) + "\0");
    });
  }

  on(fn) {
    this.listeners.push(fn);
  }

  waitFor(method, sessionId, ms) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), ms);
      this.on((m) => {
        if (m.method === method && m.sessionId === sessionId) {
          clearTimeout(t);
          resolve(m.params);
        }
      });
    });
  }
}

// Installed before any of the page's own scripts run.
const PRELUDE = `(() => {
  const log = { alerts: [], errors: [], violations: [] };
  Object.defineProperty(window, "__oomtriageCheck", { value: log });
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (m) { log.alerts.push(name + "(" + String(m) + ")"); };
  }
  window.addEventListener("error", (e) => {
    log.errors.push(e.message ? e.message : "resource error on <" + ((e.target && e.target.tagName) || "?") + ">");
  }, true);
  window.addEventListener("unhandledrejection", (e) => log.errors.push("unhandled rejection: " + String(e.reason)));
  document.addEventListener("securitypolicyviolation", (e) => {
    log.violations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
  });
})();`;

// Runs in the page after load; returns what the checks need.
const INSPECT = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const countEl = document.getElementById("incident-count");
  const cards = q("[data-incident-id]");
  const scripts = q("script").filter((s) => s.type !== "application/json");
  const handlers = [];
  for (const el of q("*")) {
    for (const a of Array.from(el.attributes)) {
      if (a.name.toLowerCase().startsWith("on")) handlers.push(el.tagName + "[" + a.name + "]");
    }
  }
  const loads = q("[src], link[href], object[data], iframe, embed, img, video, audio, source, base")
    .map((el) => el.outerHTML.slice(0, 120));
  const links = q("a[href]").map((a) => a.getAttribute("href")).filter((h) => !h.startsWith("#"));
  // Exercise the filters: every select, every option.
  const filterProblems = [];
  const selects = q("select[data-filter]");
  const shown = document.getElementById("shown-count");
  for (const sel of selects) {
    const attr = "data-" + sel.getAttribute("data-filter");
    for (const opt of Array.from(sel.options)) {
      if (opt.value === "") continue;
      sel.value = opt.value;
      sel.dispatchEvent(new Event("change"));
      const want = cards.filter((c) => c.getAttribute(attr) === opt.value).length;
      const visible = cards.filter((c) => !c.hidden && c.getClientRects().length > 0).length;
      if (visible !== want || String(want) !== (shown ? shown.textContent.trim() : "")) {
        filterProblems.push(attr + "=" + opt.value + ": " + visible + " card(s) shown, shown-count " +
          (shown ? shown.textContent : "missing") + ", want " + want);
      }
    }
    sel.value = "";
    sel.dispatchEvent(new Event("change"));
  }
  const allVisible = cards.filter((c) => !c.hidden).length;
  return {
    count: countEl ? countEl.textContent.trim() : null,
    cards: cards.length,
    visibleAfterReset: allVisible,
    selects: selects.length,
    scripts: scripts.length,
    handlers, loads, links, filterProblems,
    text: document.body ? document.body.textContent : "",
    log: window.__oomtriageCheck || null,
  };
})()`;

// killGroup ends what is left of the Chromium we started: its process group.
function killGroup(proc) {
  try {
    process.kill(-proc.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function removeProfile(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (err) {
    console.error(`check.mjs: could not remove ${dir}: ${err.message}`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const [reportArg, expectedArg, shotArg] = opts.pos;
  const expected = Number(expectedArg);
  const chromium = findChromium();
  if (!chromium) {
    console.error("check.mjs: no chromium found (set CHROMIUM or install the chromium package)");
    process.exit(2);
  }
  const profile = mkdtempSync(join(tmpdir(), "oomtriage-chromium-"));
  const args = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
    "--force-color-profile=srgb", "--remote-debugging-pipe", `--user-data-dir=${profile}`, "about:blank",
  ];
  // Its own process group, so that its helper processes end with it.
  const proc = spawn(chromium, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr = (stderr + d.toString()).slice(-4000); });
  const launch = new Promise((_, reject) => proc.on("error", reject));
  const cdp = new CDP(proc);
  const killer = setTimeout(() => {
    console.error("check.mjs: timed out after 90 s\n" + stderr);
    killGroup(proc);
    removeProfile(profile);
    process.exit(2);
  }, 90_000);

  const problems = [];
  const consoleErrors = [];
  const dialogs = [];
  try {
    const { targetId } = await Promise.race([launch, cdp.send("Target.createTarget", { url: "about:blank" })]);
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    cdp.on((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params;
      if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert")) {
        consoleErrors.push("console." + p.type + ": " + p.args.map((a) => a.value ?? a.description ?? "").join(" "));
      } else if (m.method === "Runtime.exceptionThrown") {
        const d = p.exceptionDetails;
        consoleErrors.push("exception: " + (d.exception?.description ?? d.text));
      } else if (m.method === "Log.entryAdded" && p.entry.level === "error") {
        consoleErrors.push("log (" + p.entry.source + "): " + p.entry.text + (p.entry.url ? " " + p.entry.url : ""));
      } else if (m.method === "Page.javascriptDialogOpening") {
        dialogs.push(p.type + ": " + p.message);
        cdp.send("Page.handleJavaScriptDialog", { accept: false }, sessionId).catch(() => {});
      }
    });
    await cdp.send("Page.enable", {}, sessionId);
    await cdp.send("Runtime.enable", {}, sessionId);
    await cdp.send("Log.enable", {}, sessionId);
    await cdp.send("Page.addScriptToEvaluateOnNewDocument", { source: PRELUDE }, sessionId);
    await cdp.send("Emulation.setDeviceMetricsOverride",
      { width: opts.width, height: opts.height, deviceScaleFactor: 1, mobile: false }, sessionId);
    const loaded = cdp.waitFor("Page.loadEventFired", sessionId, 30_000);
    const nav = await cdp.send("Page.navigate", { url: pathToFileURL(resolve(reportArg)).href }, sessionId);
    if (nav.errorText) throw new Error("navigation failed: " + nav.errorText);
    await loaded;
    await new Promise((r) => setTimeout(r, 300)); // late console messages

    const res = await cdp.send("Runtime.evaluate", { expression: INSPECT, returnByValue: true }, sessionId);
    if (res.exceptionDetails) throw new Error("inspection failed: " + res.exceptionDetails.text);
    const page = res.result.value;

    if (page.count !== String(expected)) problems.push(`#incident-count is ${JSON.stringify(page.count)}, want ${expected}`);
    if (page.cards !== expected) problems.push(`${page.cards} [data-incident-id] card(s), want ${expected}`);
    if (page.visibleAfterReset !== expected) problems.push(`${page.visibleAfterReset} card(s) visible after resetting the filters`);
    if (page.selects < 3) problems.push(`${page.selects} filter select(s), want 3`);
    if (page.scripts > 1) problems.push(`${page.scripts} executable <script> elements, want at most 1`);
    if (page.handlers.length) problems.push("event-handler attributes: " + page.handlers.join(", "));
    if (page.loads.length) problems.push("elements that load resources: " + page.loads.join(" | "));
    if (page.links.length) problems.push("links leaving the page: " + page.links.join(", "));
    problems.push(...page.filterProblems.map((p) => "filter " + p));
    for (const t of opts.expectText) {
      if (!page.text.includes(t)) problems.push(`page text lacks ${JSON.stringify(t)}`);
    }
    const log = page.log ?? { alerts: ["prelude did not run"], errors: [], violations: [] };
    if (log.alerts.length) problems.push("dialogs called: " + log.alerts.join(", "));
    if (log.errors.length) problems.push("window errors: " + log.errors.join(", "));
    if (log.violations.length) problems.push("CSP violations: " + log.violations.join(", "));
    if (dialogs.length) problems.push("dialogs opened: " + dialogs.join(", "));
    if (consoleErrors.length) problems.push("console errors: " + consoleErrors.join(" | "));

    // Screenshot last, with the filters asked for: of the top of the page,
    // or all of it.
    for (const sel of opts.select) {
      const eq = sel.indexOf("=");
      const expr = `(() => {
        const s = document.querySelector('select[data-filter=' + JSON.stringify(${JSON.stringify(sel.slice(0, eq))}) + ']');
        if (!s) return false;
        s.value = ${JSON.stringify(sel.slice(eq + 1))};
        s.dispatchEvent(new Event("change"));
        window.scrollTo(0, 0);
        return s.value === ${JSON.stringify(sel.slice(eq + 1))};
      })()`;
      const r = await cdp.send("Runtime.evaluate", { expression: expr, returnByValue: true }, sessionId);
      if (eq < 0 || !r.result || r.result.value !== true) problems.push(`--select ${sel}: no such filter or value`);
    }
    const shot = { format: "png" };
    if (opts.fullPage) {
      const m = await cdp.send("Page.getLayoutMetrics", {}, sessionId);
      const size = m.cssContentSize || m.contentSize;
      shot.captureBeyondViewport = true;
      shot.clip = { x: 0, y: 0, width: Math.ceil(size.width), height: Math.ceil(size.height), scale: 1 };
    }
    const { data } = await cdp.send("Page.captureScreenshot", shot, sessionId);
    writeFileSync(shotArg, Buffer.from(data, "base64"));

    console.log(JSON.stringify({
      ok: problems.length === 0, report: reportArg, screenshot: shotArg, chromium,
      incident_count: page.count, cards: page.cards, problems,
    }, null, 2));
  } catch (err) {
    console.error("check.mjs: " + err.message + (stderr ? "\nchromium stderr:\n" + stderr : ""));
    process.exitCode = 2;
  } finally {
    clearTimeout(killer);
    // Ask Chromium to quit (it may close the pipe before it answers), give
    // it five seconds, then end its process group.
    cdp.send("Browser.close").catch(() => {});
    await new Promise((r) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return r();
      const t = setTimeout(r, 5000);
      proc.on("exit", () => {
        clearTimeout(t);
        r();
      });
    });
    killGroup(proc);
    removeProfile(profile);
  }
  if (process.exitCode === undefined || process.exitCode === 0) {
    process.exitCode = problems.length ? 1 : 0;
  }
}

main();
