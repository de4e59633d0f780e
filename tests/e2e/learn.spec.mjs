import { test, expect, openApp } from "./fixtures.mjs";
import { test as plainTest } from "@playwright/test";

test("the chapter list shows every chapter with a summary and reading time", async ({ page }) => {
  await openApp(page, "#/learn");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Learn");
  const list = page.getByTestId("lesson-list");
  await expect(list).toBeVisible();
  const items = list.getByRole("listitem");
  expect(await items.count()).toBeGreaterThanOrEqual(11);
  await expect(list.getByRole("heading", { level: 2 }).first()).toHaveText("Partial failure");
  await expect(items.first()).toContainText("min read");
  await expect(list.getByRole("link", { name: "Circuit breakers" })).toHaveAttribute("href", "#/learn/circuit-breakers");
});

test("a chapter opens with its widget and try-this, and links to the lab", async ({ page }) => {
  await openApp(page, "#/learn");
  await page.getByTestId("lesson-list").getByRole("link", { name: "Circuit breakers" }).click();
  await expect(page).toHaveURL(/#\/learn\/circuit-breakers$/);
  const lesson = page.getByTestId("lesson");
  await expect(lesson).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Circuit breakers");
  await expect(page).toHaveTitle("Circuit breakers · Learn · Faultline");
  await expect(page.getByTestId("nav-learn")).toHaveAttribute("aria-current", "page");
  const widget = page.getByTestId("lesson-widget");
  await expect(widget).toHaveCount(1);
  await expect(widget).toContainText("Breaker playground");
  await expect(widget.getByRole("link", { name: "Run it in the lab" })).toHaveAttribute(
    "href",
    "#/lab?preset=breaker-playground",
  );
  const tryThis = page.getByTestId("try-this");
  await expect(tryThis).toBeVisible();
  for (const step of ["Predict:", "Run:", "Compare:"]) await expect(tryThis).toContainText(step);
  await expect(lesson.getByRole("link", { name: "Review the cards for this chapter" })).toHaveAttribute("href", "#/cards");
});

test("next and previous walk the chapters, and a reload keeps the chapter", async ({ page }) => {
  await openApp(page, "#/learn/partial-failure");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Partial failure");
  await expect(page.getByTestId("lesson-prev")).toHaveCount(0);
  await page.getByTestId("lesson-next").click();
  await expect(page).toHaveURL(/#\/learn\/fallacies$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The fallacies of distributed computing");
  await page.getByTestId("lesson-next").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Circuit breakers");
  await page.getByTestId("lesson-prev").click();
  await expect(page).toHaveURL(/#\/learn\/fallacies$/);
  await expect(page.getByTestId("lesson")).toHaveAttribute("data-slug", "fallacies");

  await page.reload();
  await expect(page.getByTestId("boot")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The fallacies of distributed computing");
  await expect(page.getByTestId("lesson-widget")).toBeVisible();

  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Circuit breakers");
  await page.getByTestId("lesson-all").click();
  await expect(page.getByTestId("lesson-list")).toBeVisible();
});

test("the last chapter has no next link, and the incidents chapter has four lab widgets", async ({ page }) => {
  await openApp(page, "#/learn/monitoring");
  await expect(page.getByTestId("lesson")).toBeVisible();
  await expect(page.getByTestId("lesson-next")).toHaveCount(0);
  await openApp(page, "#/learn/incidents");
  const widgets = page.getByTestId("lesson-widget");
  await expect(widgets).toHaveCount(4);
  await expect(page.getByTestId("try-this")).toHaveCount(4);
  await expect(widgets.nth(1).getByRole("link")).toHaveAttribute("href", "#/lab?preset=lock-saga&variant=bad");
  // the engine presets run live; the model presets keep their card
  await expect(widgets.nth(0).getByTestId("widget-play")).toBeVisible();
  await expect(widgets.nth(3).getByTestId("widget-play")).toBeVisible();
  await expect(widgets.nth(1).getByTestId("widget-play")).toHaveCount(0);
  await expect(widgets.nth(2)).toHaveAttribute("data-preset", "partition-quorum");
  await expect(widgets.nth(2).getByRole("link", { name: "Run it in the lab" })).toHaveAttribute(
    "href",
    "#/lab?preset=partition-quorum&variant=bad",
  );
});

test("an unknown chapter says so and links to the list", async ({ page }) => {
  await openApp(page, "#/learn/no-such-chapter");
  await expect(page.getByTestId("lesson-missing")).toContainText("no-such-chapter");
  await page.getByTestId("lesson-missing").getByRole("link", { name: "See all chapters" }).click();
  await expect(page.getByTestId("lesson-list")).toBeVisible();
});

// These tests make fetches fail on purpose, and Chromium logs each failed load as a console
// error, so they use the plain test and check for uncaught page errors only.
plainTest("a chapter whose fetch fails shows the error, and retry loads it", async ({ page }) => {
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  let fail = true;
  await page.route(/lessons\/bulkheads\.html$/, (route) => (fail ? route.abort() : route.continue()));
  await openApp(page, "#/learn/bulkheads");
  const error = page.getByTestId("learn-error");
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("role", "alert");
  await expect(error).toContainText("Could not load this chapter");
  await expect(page.getByTestId("lesson")).toHaveCount(0);
  fail = false;
  await page.getByTestId("learn-retry").click();
  await expect(page.getByTestId("lesson")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bulkheads");
  await expect(page.getByTestId("learn-error")).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

plainTest("a missing chapter list (HTTP 404) shows the status, and retry loads it", async ({ page }) => {
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  let fail = true;
  await page.route(/lessons\/index\.json$/, (route) =>
    fail ? route.fulfill({ status: 404, body: "gone" }) : route.continue(),
  );
  await openApp(page, "#/learn");
  await expect(page.getByTestId("learn-error")).toContainText("404");
  fail = false;
  await page.getByTestId("learn-retry").click();
  await expect(page.getByTestId("lesson-list")).toBeVisible();
  expect(pageErrors).toEqual([]);
});

// ---- live widgets ---------------------------------------------------------------------------

/** The number at the start of a readout such as "12.5 s" or "98.0 %" (NaN for "–"). */
async function num(locator) {
  return parseFloat((await locator.textContent()) ?? "");
}

/** Polls until the widget's simulated time is at least `t` s, then returns `read()`. */
function after(widget, t, read) {
  return async () => ((await num(widget.getByTestId("widget-time"))) >= t ? read() : null);
}

test("a live widget waits for Run, then simulated time and the success rate advance", async ({ page }) => {
  await openApp(page, "#/learn/timeouts");
  const widget = page.getByTestId("lesson-widget");
  await expect(widget).toHaveCount(1);
  await expect(widget).toHaveAttribute("data-widget", "lab");
  await expect(widget).toHaveAttribute("data-preset", "flash-sale");
  await expect(widget.locator("canvas")).toBeVisible();
  const time = widget.getByTestId("widget-time");
  const success = widget.getByTestId("widget-success");
  await expect(time).toHaveText("0.0 s");
  await expect(success).toHaveText("–");
  await page.waitForTimeout(600);
  await expect(time).toHaveText("0.0 s"); // it does not start on its own

  // keyboard: focus the play control and press Enter
  const play = widget.getByTestId("widget-play");
  await expect(play).toHaveText("▶ Run");
  await play.focus();
  await page.keyboard.press("Enter");
  await expect(play).toHaveAttribute("aria-pressed", "true");
  await expect(play).toHaveText("⏸ Pause");
  await expect.poll(() => num(time), { timeout: 15_000 }).toBeGreaterThan(2);
  await expect(success).toHaveText(/^\d+\.\d %$/);
  await expect(widget.getByTestId("widget-p99")).toHaveText(/^\d+ ms$/);

  // pausing is respected
  await play.click();
  await expect(play).toHaveAttribute("aria-pressed", "false");
  await page.waitForTimeout(300);
  const paused = await time.textContent();
  await page.waitForTimeout(800);
  await expect(time).toHaveText(paused);

  // Restart goes back to 0 s
  await widget.getByTestId("widget-restart").click();
  await expect(time).toHaveText("0.0 s");
});

test("the bad variant cascades; the fixed one keeps serving, with its breaker open", async ({ page }) => {
  await openApp(page, "#/learn/timeouts");
  const widget = page.getByTestId("lesson-widget");
  const success = widget.getByTestId("widget-success");
  await widget.getByTestId("widget-speed").selectOption("5");
  await widget.getByTestId("widget-play").click();
  // inventory slows at 20 s: by 30 s every frontend worker is waiting and success is 0 %
  await expect
    .poll(after(widget, 30, () => num(success)), { timeout: 25_000, intervals: [100] })
    .toBe(0);
  const breaker = widget.locator('[data-testid="widget-breaker-state"][data-edge="frontend->inventory"]');
  await expect(breaker).toHaveCount(1);

  await widget.getByTestId("widget-variant").selectOption("fixed");
  await expect.poll(() => num(widget.getByTestId("widget-time"))).toBeLessThan(25); // a fresh run
  await expect
    .poll(after(widget, 30, () => num(success)), { timeout: 25_000, intervals: [100] })
    .toBeGreaterThan(95);
  // the quicker breaker on inventory has opened: told in words and by shape
  await expect(breaker).toHaveText("○ open");
  await expect(breaker).toHaveAttribute("data-state", "OPEN");
});

test("a knob changes the run, and Open in the lab carries the variant and the knob", async ({ page }) => {
  await openApp(page, "#/learn/partial-failure");
  const widget = page.getByTestId("lesson-widget");
  const dup = widget.getByTestId("widget-duplicates");
  await widget.getByTestId("widget-speed").selectOption("20");
  await widget.getByTestId("widget-play").click();
  // replies are lost from 30 s to 40 s: retries charge customers twice
  await expect.poll(after(widget, 41, () => num(dup)), { timeout: 25_000 }).toBeGreaterThan(0);

  const attempts = widget.getByLabel("attempts checkout → payment");
  await expect(attempts).toHaveAttribute("data-testid", "widget-knob-retries.checkout->payment");
  await attempts.fill("1");
  await expect(widget.getByText("1 in all")).toBeVisible();
  await expect.poll(() => num(widget.getByTestId("widget-time"))).toBeLessThan(41); // restarted
  await expect.poll(after(widget, 45, () => num(dup)), { timeout: 25_000 }).toBe(0);

  const link = widget.getByRole("link", { name: "Open in the lab" });
  await expect(link).toHaveAttribute("href", "#/lab?preset=ambiguous-failure&seed=5&k=retries.checkout-%3Epayment:1");
  await widget.getByTestId("widget-variant").selectOption("fixed");
  await expect(link).toHaveAttribute(
    "href",
    "#/lab?preset=ambiguous-failure&variant=fixed&seed=5&k=retries.checkout-%3Epayment:1",
  );
  await link.click();
  await expect(page).toHaveURL(/#\/lab\?preset=ambiguous-failure&variant=fixed/);
  await expect(page.getByTestId("variant")).toHaveValue("fixed");
  await expect(page.getByTestId("knob-retries.checkout->payment")).toHaveValue("1");
});

test("a knob of one variant only says so in the other", async ({ page }) => {
  await openApp(page, "#/learn/timeouts");
  const widget = page.getByTestId("lesson-widget");
  const knob = widget.getByTestId("widget-knob-timeout.frontend->inventory");
  await knob.fill("300");
  await expect(widget.getByText("300 ms", { exact: true })).toBeVisible();
  const link = widget.getByRole("link", { name: "Open in the lab" });
  await expect(link).toHaveAttribute("href", "#/lab?preset=flash-sale&seed=7&k=timeout.frontend-%3Einventory:300");
  await widget.getByTestId("widget-variant").selectOption("fixed");
  await expect(knob).toHaveText("timeout frontend → inventory: not part of the fixed variant.");
  await expect(link).toHaveAttribute("href", "#/lab?preset=flash-sale&variant=fixed&seed=7");
  await widget.getByTestId("widget-variant").selectOption("bad");
  await expect(widget.getByTestId("widget-knob-timeout.frontend->inventory")).toHaveValue("300");
});

test("widgets on one page run on their own and stop when the page goes", async ({ page }) => {
  await openApp(page, "#/learn/incidents");
  const live = page.getByTestId("lesson-widget").filter({ has: page.getByTestId("widget-play") });
  await expect(live).toHaveCount(2);
  const [first, second] = [live.nth(0), live.nth(1)];
  await expect(second).toHaveAttribute("data-preset", "retry-amplification");
  await first.getByTestId("widget-play").click();
  await expect.poll(() => num(first.getByTestId("widget-time")), { timeout: 15_000 }).toBeGreaterThan(1);
  await expect(second.getByTestId("widget-time")).toHaveText("0.0 s");
  await second.getByTestId("widget-play").click();
  await expect.poll(() => num(second.getByTestId("widget-time")), { timeout: 15_000 }).toBeGreaterThan(1);
  // before the backend fails, a request makes one call per hop: users → l1 → l2 → l3 → backend
  await expect.poll(() => num(second.getByTestId("widget-calls"))).toBeCloseTo(4, 0);
  await first.getByTestId("widget-play").click();
  await expect(first.getByTestId("widget-play")).toHaveAttribute("aria-pressed", "false");
  await expect(second.getByTestId("widget-play")).toHaveAttribute("aria-pressed", "true");
  // leave while one is running, and come back: a fresh, paused widget and no errors
  await page.getByTestId("lesson-next").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Common mistakes");
  const herd = page.getByTestId("lesson-widget");
  await expect(herd.getByTestId("widget-breaker-state")).toHaveCount(20);
  await expect(herd.getByTestId("widget-breaker-state").first()).toHaveText("● closed");
  await page.goBack();
  await expect(page.getByTestId("lesson")).toHaveAttribute("data-slug", "incidents");
  await expect(live.nth(1).getByTestId("widget-time")).toHaveText("0.0 s");
  await expect(live.nth(1).getByTestId("widget-play")).toHaveText("▶ Run");
});

test("the circuit-breaker chapter embeds the working playground", async ({ page }) => {
  await openApp(page, "#/learn/circuit-breakers");
  const widget = page.getByTestId("lesson-widget");
  await expect(widget).toHaveAttribute("data-widget", "breaker-playground");
  const state = widget.getByTestId("pg-state");
  await expect(state).toHaveText("CLOSED");
  // as the try-this says: four failures keep it closed, the fifth opens it
  for (let i = 0; i < 4; i++) await widget.getByTestId("pg-failure").click();
  await expect(state).toHaveText("CLOSED");
  await expect(widget).toContainText("below the minimum number of calls");
  await widget.getByTestId("pg-failure").click();
  await expect(state).toHaveText("OPEN");
  // at exactly 10 s still refused; at 15 s a trial goes through
  await widget.getByTestId("pg-advance").click();
  await widget.getByTestId("pg-advance").click();
  await widget.getByTestId("pg-success").click();
  await expect(state).toHaveText("OPEN");
  await widget.getByTestId("pg-advance").click();
  await widget.getByTestId("pg-success").click();
  await expect(state).toHaveText("HALF_OPEN");
});

test("the retries chapter computes the jitter chart; the incidents chapter shows the saga and quorum models", async ({ page }) => {
  await openApp(page, "#/learn/retries");
  const progress = page.getByTestId("jitter-progress");
  await expect(progress).toHaveAttribute("data-done", "true", { timeout: 30_000 });
  await expect(page.getByTestId("jitter-table").getByRole("row")).toHaveCount(6);

  await openApp(page, "#/learn/incidents");
  await expect(page.locator('[data-testid="model-results"][data-model="lock-saga"]')).toBeVisible();
  await expect(page.locator('[data-testid="model-results"][data-model="partition-quorum"]')).toBeVisible();
});

test("the monitoring chapter's widget lights the alert signals as the flash sale cascades", async ({ page }) => {
  await openApp(page, "#/learn/monitoring");
  const widget = page.getByTestId("lesson-widget");
  await widget.getByTestId("widget-play").click();
  const strip = widget.getByTestId("widget-monitor");
  await expect(strip.locator("li")).toHaveCount(5, { timeout: 15_000 });
  // the bad flash sale: sooner or later a pool saturates and the alert says so in words
  await expect(widget.getByTestId("alert-saturation")).toHaveAttribute("data-firing", "true", { timeout: 30_000 });
  await expect(widget.getByTestId("alert-saturation")).toContainText("firing");
});
