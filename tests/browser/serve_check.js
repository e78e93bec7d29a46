// serve_check.js URL TOKEN OUTDIR - drives Debian's Chromium (puppeteer-core)
// through sweep serve's pages beside a running sweep: new trials and curve
// points appear without a reload, a column sorts, the stop button fails
// without the token and stops the trial with it, the submit form shows a
// sweep file's error at its line, a sweep of two objectives shows its
// front. Screenshots go to OUTDIR; any console
// error fails (but the 401 and 422 the test provokes on purpose).
"use strict";
const puppeteer = require("puppeteer-core");
const [url, token, out] = process.argv.slice(2);
let failed = 0;
function check(what, ok, detail) {
  console.log((ok ? "ok: " : "FAILED: ") + what + (ok || !detail ? "" : " (" + detail + ")"));
  if (!ok) failed++;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return true; await sleep(200); }
  return false;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"], headless: true,
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1800 });
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of (401|422)/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => d.accept());
  let alerted = false;
  page.on("dialog", (d) => { if (d.type() === "alert") alerted = true; });

  await page.goto(url + "/s/live", { waitUntil: "networkidle2" });
  await page.evaluate(() => { window.__sameDocument = 1; });
  await page.waitForSelector("#leaderboard tbody tr", { timeout: 15000 });
  const rows = () => page.$$eval("#leaderboard tbody tr", (r) => r.length);
  const completed = () => page.$$eval("#leaderboard td.state-completed", (r) => r.length);
  const points = () => page.$$eval("#curves canvas", (c) => c.length);
  const c0 = await completed(), r0 = await rows();
  check("the curves are drawn (uPlot)", (await points()) > 0);
  const more = await until(async () => (await completed()) > c0, 30000);
  check("trials that end appear without a reload", more && (await page.evaluate(() => window.__sameDocument)) === 1,
        "completed " + c0 + " -> " + (await completed()));
  check("the leaderboard has rows", r0 > 0);
  await page.screenshot({ path: out + "/sweep.png", fullPage: true });

  // sort by trial number: ascending, then descending
  const ids = () => page.$$eval("#leaderboard tbody tr td:first-child", (t) => t.map((x) => +x.textContent));
  await page.click("#leaderboard thead th:nth-child(1)");
  let a = await ids();
  await page.click("#leaderboard thead th:nth-child(1)");
  let b = await ids();
  const asc = (v) => v.every((x, i) => i === 0 || v[i - 1] <= x);
  const desc = (v) => v.every((x, i) => i === 0 || v[i - 1] >= x);
  check("a click sorts the column, a second click reverses it", (asc(a) && desc(b)) || (desc(a) && asc(b)), a + " / " + b);

  // the stop button: refused without the token, done with it
  const running = await page.$$("#leaderboard tr.running");
  check("a running trial to stop", running.length > 0);
  if (running.length) {
    // a row is redrawn with each refresh: clicked inside the page, in one step
    await page.evaluate(() => document.querySelector("#leaderboard tr.running").click());
    await page.waitForSelector("#stop-trial", { timeout: 10000 });
    const tid = await page.$eval("#stop-trial", (b) => b.textContent.replace(/\D/g, ""));
    await page.click("#stop-trial");
    await until(async () => !(await page.$eval("#flash", (f) => f.hidden)), 5000);
    const msg = await page.$eval("#flash", (f) => f.textContent);
    check("without the token the stop is refused", /token/.test(msg), msg);
    // the panel is redrawn as the trial goes on; its stop button stays the same node
    await page.evaluate(() => { document.querySelector("#stop-trial").__kept = 1; document.querySelector("#detail h3").__old = 1; });
    const redrawn = await until(() => page.evaluate(() => !document.querySelector("#detail h3").__old), 15000);
    const kept = await page.evaluate(() => { const b = document.querySelector("#stop-trial"); return b ? b.__kept === 1 : "gone"; });
    check("the trial's panel is redrawn and its stop button kept", redrawn && kept === true, "redrawn " + redrawn + ", kept " + kept);
    await page.type("#token", token);
    await page.type("#asname", "browser test");
    await page.click("#tokenform button");
    await page.waitForSelector("#stop-trial", { timeout: 10000 });
    await page.click("#stop-trial");
    const stopped = await until(async () => {
      const t = await (await fetch(url + "/api/sweeps/live/trials/" + tid)).json();
      return t.state === "stopped";
    }, 20000);
    check("with the token the stop button stops trial " + tid, stopped);
  }
  await page.screenshot({ path: out + "/trial.png", fullPage: true });

  // the submit form shows the error at its line
  await page.goto(url + "/", { waitUntil: "networkidle2" });
  await page.waitForSelector("#submit textarea");
  await page.type("#submit input", "broken");
  await page.type("#submit textarea", "method: grid\nparameters:\n  lr: {values: [0.1]\ncommand: [x]\n");
  await page.click("#submit button");
  const diag = await until(async () => (await page.$$("pre.diag")).length > 0, 10000);
  const text = diag ? await page.$eval("pre.diag", (p) => p.textContent) : "";
  check("the submit form shows the file's error at FILE:LINE:COL", /broken\.yaml:\d+:\d+: /.test(text), text);
  await page.screenshot({ path: out + "/submit.png", fullPage: true });

  await page.goto(url + "/machine", { waitUntil: "networkidle2" });
  await sleep(1000);
  await page.screenshot({ path: out + "/machine.png", fullPage: true });
  // a sweep of two objectives: the leaderboard by front, the front's size
  // and hypervolume, the Pareto plot
  await page.goto(url + "/s/pareto", { waitUntil: "networkidle2" });
  await page.waitForSelector("#leaderboard tbody tr", { timeout: 15000 });
  const heads = await page.$$eval("#leaderboard th", (h) => h.map((x) => x.textContent));
  check("two objectives: the leaderboard has front and both objectives",
        ["front", "mAP50-95", "inference_ms", "feasible"].every((h) => heads.some((x) => x.indexOf(h) === 0)), heads.join(","));
  const cards = await page.$eval(".cards", (c) => c.textContent);
  check("two objectives: the front's size and hypervolume", /on the first front/.test(cards) && /hypervolume/.test(cards), cards);
  check("two objectives: the Pareto plot is drawn", await until(async () => (await page.$$("#pareto canvas")).length === 1, 10000));
  const firstFront = await page.$$eval("#leaderboard tbody tr", (rs) => rs.filter((r) => r.children[2].textContent === "1").length);
  check("two objectives: the first front leads the leaderboard", firstFront > 0);
  await page.screenshot({ path: out + "/pareto.png", fullPage: true });
  await page.goto(url + "/compare?s=live&s=done", { waitUntil: "networkidle2" });
  await sleep(1000);
  await page.screenshot({ path: out + "/compare.png", fullPage: true });
  check("no script from a parameter ran (no alert)", !alerted);
  check("no console error", errors.length === 0, errors.join(" | "));
  await browser.close();
  console.log(failed ? failed + " failed" : "all passed");
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log("FAILED: " + e.stack); process.exit(1); });
