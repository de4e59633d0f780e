// The lab's frame budget in headless Chromium: script time per animation frame (engine step +
// drawing, and the readout and chart a few times a second) on the flash-sale preset with the
// clients sending 5,000 requests per second, at 1× and at a faster speed. Runs the release build
// in dist/ (or $E2E_DIST) and prints one JSON line per speed.
// Usage: node scripts/bench-frames.mjs [seconds per speed = 10] [speeds = 1,10]
//
// The shoppers' knob is set to 2,500 requests per second: the preset's flash sale doubles it at
// 15 s of simulated time, so from then on the clients send 5,000 per second in total. The page is
// fast-forwarded past 15 s first; only frames after that, at the speed measured, are counted.
// The page keeps each frame's time in a ring buffer it shows in the readout's `data-frames`
// (oldest first) with the running frame count in `data-count`.
import { withPage } from "./bench-page.mjs";

const seconds = Number(process.argv[2] ?? 10);
const speeds = (process.argv[3] ?? "1,10").split(",");
const port = Number(process.env.BENCH_PORT ?? 4198);
const RATE = 2500; // rate.shoppers; ×2 after the flash sale at 15 s
const FLASH_AT_S = 15;

const pct = (sorted, q) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((q / 100) * sorted.length))) - 1];

async function simTime(page) {
  const m = /t = ([0-9.]+) s/.exec(await page.getByTestId("sim-time").innerText());
  return m ? Number(m[1]) : 0;
}

async function readFrames(page) {
  return page.getByTestId("frame-p95").evaluate((el) => ({
    count: Number(el.dataset.count),
    frames: el.dataset.frames ? el.dataset.frames.split(",").map(Number) : [],
    engineP95: Number(el.dataset.engineMs),
  }));
}

await withPage(port, async (browser, base) => {
  for (const speed of speeds) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}#/lab?preset=flash-sale&seed=7&k=rate.shoppers:${RATE}`);
    await page.getByTestId("frame-p95").waitFor({ timeout: 60_000 });
    // fast-forward past the flash sale, then run at the speed measured
    await page.getByTestId("speed").selectOption("25");
    const deadline = Date.now() + 60_000;
    while ((await simTime(page)) < FLASH_AT_S + 0.5 && Date.now() < deadline) await page.waitForTimeout(100);
    const from = await simTime(page);
    await page.getByTestId("speed").selectOption(speed);
    await page.waitForTimeout(1000);
    let { count: seen } = await readFrames(page);
    const times = [];
    const t0 = Date.now();
    const sim0 = await simTime(page);
    let engineP95 = 0;
    while (Date.now() - t0 < seconds * 1000) {
      await page.waitForTimeout(500);
      const r = await readFrames(page);
      const fresh = Math.min(r.count - seen, r.frames.length);
      if (r.count - seen > r.frames.length) errors.push(`missed ${r.count - seen - r.frames.length} frames`);
      times.push(...r.frames.slice(r.frames.length - fresh));
      seen = r.count;
      engineP95 = r.engineP95;
    }
    const wall = (Date.now() - t0) / 1000;
    const sim1 = await simTime(page);
    const sorted = [...times].sort((a, b) => a - b);
    const round = (v) => Math.round(v * 100) / 100;
    console.log(
      JSON.stringify({
        preset: "flash-sale",
        requests_per_s: RATE * 2,
        speed: Number(speed),
        simulated_s: [round(sim0), round(sim1)],
        fast_forwarded_to_s: round(from),
        wall_s: round(wall),
        frames: times.length,
        fps: round(times.length / wall),
        p50_ms: sorted.length ? pct(sorted, 50) : null,
        p95_ms: sorted.length ? pct(sorted, 95) : null,
        p99_ms: sorted.length ? pct(sorted, 99) : null,
        max_ms: sorted.length ? sorted[sorted.length - 1] : null,
        mean_ms: sorted.length ? round(sorted.reduce((a, b) => a + b, 0) / sorted.length) : null,
        engine_step_p95_ms_last_frames: engineP95,
        budget_p95_ms: 4,
        errors,
        browser: browser.version(),
      }),
    );
    await page.close();
  }
});
