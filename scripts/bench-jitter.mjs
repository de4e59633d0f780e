// Times Brooker's jitter sweep in the page (19 client counts × 5 strategies × 100 trials, computed
// in slices of at most 26 ms — trials plus at most one chart — one per animation frame) in headless
// Chromium on the release build in dist/, and prints JSON: total wall time of the sweep, its
// longest slice, its longest drawing of one chart, the time spent drawing and the charts drawn,
// the time spent on trials, the number of slices and the main thread's long tasks (> 50 ms) seen
// by a PerformanceObserver while it ran.
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
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
      }).observe({ type: "longtask" });
    });
    await page.getByTestId("preset").selectOption("jitter");
    const progress = page.getByTestId("jitter-progress");
    await progress.and(page.locator('[data-done="true"]')).waitFor({ timeout: 60_000 });
    const result = {
      sweep_ms: Number(await progress.getAttribute("data-total-ms")),
      longest_slice_ms: Number(await progress.getAttribute("data-longest-slice-ms")),
      longest_draw_ms: Number(await progress.getAttribute("data-longest-draw-ms")),
      draw_ms: Number(await progress.getAttribute("data-draw-ms")),
      draws: Number(await progress.getAttribute("data-draws")),
      work_ms: Number(await progress.getAttribute("data-work-ms")),
      slices: Number(await progress.getAttribute("data-slices")),
      long_tasks_ms: await page.evaluate(() => window.__longTasks),
      browser: browser.version(),
    };
    console.log(JSON.stringify(result));
    await page.close();
  }
});
