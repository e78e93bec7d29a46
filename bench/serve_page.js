// serve_page.js URL NAME [RUNS] - how long a sweep's page takes in Debian's
// Chromium (puppeteer-core) until its leaderboard, curves, parameter plots
// and timeline are drawn; then how long each tick takes in the page (the
// requests and the redraw), from the page's own clock. Used by
// bench/serve_scale.sh.
"use strict";
const puppeteer = require("puppeteer-core");
const [url, name, runs = "3"] = process.argv.slice(2);
(async () => {
  const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1800 });
  const times = [];
  for (let i = 0; i < +runs; i++) {
    const t0 = Date.now();
    await page.goto(url + "/s/" + name, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() =>
      document.querySelectorAll("#leaderboard tbody tr").length > 0 &&
      document.querySelector("#curves canvas") && document.querySelector("#timeline canvas") &&
      document.querySelector("#parallel canvas"), { timeout: 60000, polling: 20 });
    times.push((Date.now() - t0) / 1000);
  }
  const res = await page.evaluate(() => performance.getEntriesByType("resource").map((r) =>
    r.name.replace(/^https?:\/\/[^/]+/, "").slice(0, 40) + " " + r.startTime.toFixed(0) + "-" + r.responseEnd.toFixed(0) + " ms"));
  console.log("the last load's requests (from navigation start):\n  " + res.join("\n  "));
  times.sort((a, b) => a - b);
  console.log("page drawn: median " + times[Math.floor(times.length / 2)].toFixed(3) + " s of " + times.map((t) => t.toFixed(3)).join(", "));
  // a tick as the page does it: /tick, then /curves since, timed in the page
  const tick = await page.evaluate(async (n) => {
    const b = "/api/sweeps/" + n, ts = [];
    for (let k = 0; k < 10; k++) {
      const t0 = performance.now(), since = Date.now() / 1000 - 10;
      await (await fetch(b + "/tick?since=" + since)).json();
      await (await fetch(b + "/curves?since=" + since)).json();
      ts.push(performance.now() - t0);
    }
    ts.sort((a, b) => a - b);
    return ts[5];
  }, name);
  console.log("one tick in the page: median " + tick.toFixed(1) + " ms");
  await browser.close();
})().catch((e) => { console.log("FAILED: " + e.stack); process.exit(1); });
