// Times Brooker's jitter sweep in the page (19 client counts × 5 strategies × 100 trials, computed
// in slices — trials plus at most one chart — one per animation frame) in headless Chromium on the
// release build in dist/ (or $E2E_DIST), and prints one JSON line per run:
// - sweep_ms: wall time from the preset switch to the final charts, as the page measured it;
// - work_ms, draw_ms, draws, slices: time on trials, time drawing charts (the two empty ones
//   first included), charts drawn with data, slices;
// - longest_slice_ms, longest_draw_ms: the longest slice (trials + chart), the longest chart;
// - longest_gap_ms: the longest time between two animation frames while the sweep ran;
// - long_frames: the frames over 50 ms while the sweep ran (the Long Animation Frames API
//   reports exactly those), each as [start after the switch, duration, script time] in ms;
// - switch_frames: the same for the frames before the first slice: the preset switch itself
//   (tearing the previous view down and building this one);
// - long_tasks: main-thread tasks over 50 ms from the switch on, as [start, duration].
// Usage: node scripts/bench-jitter.mjs [runs]
import { withPage } from "./bench-page.mjs";

const runs = Number(process.argv[2] ?? 3);
await withPage(4197, async (browser, base) => {
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    // load the lab and the labx module first, so the sweep's timing is the sweep's alone
    await page.goto(`${base}#/lab?preset=breaker-playground`);
    await page.getByTestId("pg-state").waitFor();
    await page.evaluate(() => {
      window.__longTasks = [];
      window.__longFrames = [];
      window.__frames = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
      }).observe({ type: "longtask" });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const script = e.scripts.reduce((s, x) => s + x.duration, 0);
          window.__longFrames.push([e.startTime, e.duration, script]);
        }
      }).observe({ type: "long-animation-frame" });
      const done = () => document.querySelector('[data-testid=jitter-progress][data-done="true"]');
      const tick = (ts) => {
        window.__frames.push(ts);
        if (!done()) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    // switch as the browser does for a person's choice: set the value, fire input and change
    // (Playwright's selectOption would add its own checks and dispatch to the switch's frame)
    await page.evaluate(() => {
      const select = document.querySelector("[data-testid=preset]");
      select.value = "jitter";
      select.dispatchEvent(new Event("input", { bubbles: true }));
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    const progress = page.getByTestId("jitter-progress");
    await progress.and(page.locator('[data-done="true"]')).waitFor({ timeout: 60_000 });
    // let the observers report the last frames
    await page.waitForTimeout(200);
    const num = async (name) => Number(await progress.getAttribute(name));
    const started = await num("data-started-at");
    const firstSlice = await num("data-first-slice-at");
    const { frames, longFrames, longTasks } = await page.evaluate(() => ({
      frames: window.__frames,
      longFrames: window.__longFrames,
      longTasks: window.__longTasks,
    }));
    const rel = ([start, ...rest]) => [start - started, ...rest].map((v) => Math.round(v));
    // a frame belongs to the sweep if it ends after the first slice began
    const inSweep = ([start, duration]) => start + duration > firstSlice;
    let gap = 0;
    const gaps = [];
    for (let k = 1; k < frames.length; k++) {
      if (frames[k] > firstSlice) gap = Math.max(gap, frames[k] - frames[k - 1]);
      if (frames[k] > firstSlice && frames[k] - frames[k - 1] > 50.5) gaps.push([Math.round(frames[k - 1] - started), Math.round(frames[k] - frames[k - 1])]);
    }
    const result = {
      sweep_ms: await num("data-total-ms"),
      work_ms: await num("data-work-ms"),
      draw_ms: await num("data-draw-ms"),
      draws: await num("data-draws"),
      slices: await num("data-slices"),
      longest_slice_ms: await num("data-longest-slice-ms"),
      longest_draw_ms: await num("data-longest-draw-ms"),
      longest_gap_ms: Math.round(gap * 10) / 10,
      ...(process.env.GAPS ? { gaps, first_slice: Math.round(firstSlice - started) } : {}),
      long_frames: longFrames.filter(inSweep).map(rel),
      switch_frames: longFrames.filter((f) => !inSweep(f) && f[0] + f[1] > started).map(rel),
      long_tasks: longTasks.filter(([start, d]) => start + d > started).map(rel),
      browser: browser.version(),
    };
    console.log(JSON.stringify(result));
    await page.close();
  }
});
