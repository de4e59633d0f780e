// The Flashcards page (a second wasm module, loaded on demand): reviewing like Anki, undo,
// imports that change nothing when bad, blocked storage, unreadable saved data, two tabs that
// both keep their reviews, and the module's loading, unloading and load failure.
import { test, expect, openApp } from "./fixtures.mjs";
import { test as plainTest } from "@playwright/test";

const KEY = "faultline.srs.v1";

/** Opens the Flashcards page with empty localStorage. */
async function freshCards(page) {
  await openApp(page, "#/cards");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.getByTestId("boot")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Flashcards");
  await expect(page.getByTestId("count-new")).toHaveText("20");
}

async function counts(page) {
  const n = async (id) => Number(await page.getByTestId(id).textContent());
  return { new: await n("count-new"), learning: await n("count-learning"), due: await n("count-due") };
}

async function expectCounts(page, c) {
  await expect(page.getByTestId("count-new")).toHaveText(String(c.new));
  await expect(page.getByTestId("count-learning")).toHaveText(String(c.learning));
  await expect(page.getByTestId("count-due")).toHaveText(String(c.due));
}

const front = (page) => page.getByTestId("card-front").textContent();

/** Space shows the answer, 3 grades Good; waits for the next card. */
async function reviewGood(page) {
  const before = await front(page);
  await page.keyboard.press("Space");
  await expect(page.getByTestId("card-back")).toBeVisible();
  await expect(page.getByTestId("grade-3")).toContainText("10m");
  await page.keyboard.press("3");
  await expect(page.getByTestId("card-front")).not.toHaveText(before);
  return before;
}

const storedLog = (page) =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{"log":[]}').log, KEY);

test("three cards reviewed with the keyboard are kept across a reload", async ({ page }) => {
  await freshCards(page);
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
  // the answer is hidden until asked for, and the buttons show the scheduler's intervals
  await expect(page.getByTestId("card-back")).toHaveCount(0);
  const seen = [await front(page)];
  await page.keyboard.press("Space");
  await expect(page.getByTestId("answer-region")).toHaveAttribute("aria-live", "polite");
  await expect(page.getByTestId("card-back")).toBeVisible();
  await expect(page.getByTestId("grade-1")).toContainText("1m");
  await expect(page.getByTestId("grade-3")).toContainText("10m");
  await expect(page.getByTestId("grade-4")).toContainText(/\d+d/);
  await page.keyboard.press("3");
  await expect(page.getByTestId("card-front")).not.toHaveText(seen[0]);

  for (let i = 0; i < 2; i++) seen.push(await reviewGood(page));
  expect(new Set(seen).size).toBe(3);
  await expectCounts(page, { new: 17, learning: 3, due: 0 });
  const log = await storedLog(page);
  expect(log.map((e) => e.rating)).toEqual([3, 3, 3]);

  await page.reload();
  await expect(page.getByTestId("boot")).toHaveCount(0);
  await expectCounts(page, { new: 17, learning: 3, due: 0 });
  // the next card is a new one, not one of the three reviewed
  expect(seen).not.toContain(await front(page));
  // the browser lists the three as Learning
  await page.getByTestId("browser-search").fill(seen[0].split(" ").slice(0, 4).join(" "));
  await expect(page.getByTestId("browser-table").locator("tbody tr").first()).toContainText("Learning");
});

test("undo restores the previous card and the counts", async ({ page }) => {
  await freshCards(page);
  const first = await reviewGood(page);
  await expectCounts(page, { new: 19, learning: 1, due: 0 });
  await page.getByTestId("undo").click();
  await expect(page.getByTestId("card-front")).toHaveText(first);
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
  expect(await storedLog(page)).toEqual([]);
  await expect(page.getByTestId("undo")).toBeDisabled();

  // the keyboard too: answer Again, then U
  await page.keyboard.press("Space");
  await page.keyboard.press("1");
  await expectCounts(page, { new: 19, learning: 1, due: 0 });
  await page.keyboard.press("u");
  await expect(page.getByTestId("card-front")).toHaveText(first);
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
  await page.reload();
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
  await expect(page.getByTestId("card-front")).toHaveText(first);
});

test("malformed JSON and TSV imports show an error and change nothing", async ({ page }) => {
  await freshCards(page);
  await reviewGood(page);
  const before = await counts(page);
  const card = await front(page);
  const stored = await page.evaluate((key) => localStorage.getItem(key), KEY);
  const input = page.getByTestId("import-file");

  await input.setInputFiles({ name: "backup.json", mimeType: "application/json", buffer: Buffer.from('{"schema": 1, "log": [') });
  const error = page.getByTestId("import-error");
  await expect(error).toBeVisible();
  await expect(error).toContainText("backup.json");
  await expect(error).toContainText("not valid JSON");
  expect(await counts(page)).toEqual(before);

  await input.setInputFiles({ name: "old.json", mimeType: "application/json", buffer: Buffer.from('{"schema": 7, "log": []}') });
  await expect(error).toContainText("schema version 7");

  await input.setInputFiles({ name: "cards.tsv", mimeType: "text/tab-separated-values", buffer: Buffer.from("a front without an answer\nsecond\tline\n") });
  await expect(error).toContainText("cards.tsv");
  await expect(error).toContainText("line 1");
  expect(await counts(page)).toEqual(before);
  await expect(page.getByTestId("card-front")).toHaveText(card);
  expect(await page.evaluate((key) => localStorage.getItem(key), KEY)).toBe(stored);
  await expect(page.getByTestId("browser-count")).toHaveText(/^\d+ cards$/);
  const total = await page.getByTestId("browser-count").textContent();

  // a good TSV file adds its cards
  await input.setInputFiles({ name: "mine.tsv", mimeType: "text/plain", buffer: Buffer.from("#separator:tab\nWhat is a bulkhead, in one word?\tIsolation\tmine\n") });
  await expect(page.getByTestId("import-ok")).toContainText("1 new card added");
  await expect(page.getByTestId("browser-count")).not.toHaveText(total);
});

test("with storage blocked the reviewer still works and says progress is not saved", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("The operation is insecure.", "SecurityError");
      },
    });
  });
  await openApp(page, "#/cards");
  const notice = page.getByTestId("storage-notice");
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("cannot be saved");
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
  await reviewGood(page);
  await expectCounts(page, { new: 19, learning: 1, due: 0 });
  await page.getByTestId("undo").click();
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
});

test("unreadable saved progress is kept untouched, copied aside, and reported", async ({ page }) => {
  await openApp(page, "#/cards");
  await page.evaluate((key) => {
    localStorage.clear();
    localStorage.setItem(key, "{this is not json");
  }, KEY);
  await page.reload();
  const notice = page.getByTestId("storage-notice");
  await expect(notice).toContainText("could not be read");
  await reviewGood(page);
  await expectCounts(page, { new: 19, learning: 1, due: 0 });
  const keys = await page.evaluate(() => Object.keys(localStorage));
  expect(keys.some((k) => k.startsWith("faultline.srs.v1.corrupt-"))).toBe(true);
  expect(await page.evaluate((key) => localStorage.getItem(key), KEY)).toBe("{this is not json");
});

test("two tabs review different cards and neither loses its reviews", async ({ page, context }) => {
  await freshCards(page);
  const other = await context.newPage();
  const otherErrors = [];
  other.on("console", (m) => m.type() === "error" && otherErrors.push(m.text()));
  other.on("pageerror", (e) => otherErrors.push(e.message));
  await openApp(other, "#/cards");
  await expect(other.getByTestId("count-new")).toHaveText("20");

  const a = await reviewGood(page);
  // the other tab hears of it and moves on from the card answered here
  await expect(other.getByTestId("card-front")).not.toHaveText(a);
  await expectCounts(other, { new: 19, learning: 1, due: 0 });
  const b = await reviewGood(other);
  expect(b).not.toBe(a);
  await expectCounts(page, { new: 18, learning: 2, due: 0 });

  await page.reload();
  await expect(page.getByTestId("boot")).toHaveCount(0);
  await expectCounts(page, { new: 18, learning: 2, due: 0 });
  const ids = new Set((await storedLog(page)).map((e) => e.card_id));
  expect(ids.size).toBe(2);
  await other.reload();
  await expectCounts(other, { new: 18, learning: 2, due: 0 });
  expect(otherErrors).toEqual([]);
});

test("the Flashcards module loads only when the page is opened, once, and leaves nothing behind", async ({ page }) => {
  const fetched = [];
  page.on("request", (r) => {
    const name = new URL(r.url()).pathname.split("/").pop();
    if (name.startsWith("cards")) fetched.push(name);
  });
  await openApp(page, "#/lab");
  await page.evaluate(() => localStorage.clear());
  expect(fetched).toEqual([]);

  await page.getByTestId("nav-cards").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Flashcards");
  await expect(page.getByTestId("count-new")).toHaveText("20");
  expect(fetched.sort()).toEqual(["cards.js", "cards_bg.wasm"]);

  // away and back: the page is unmounted, then mounted again from the module already loaded
  await page.getByTestId("nav-learn").click();
  await expect(page.getByTestId("cards-host")).toHaveCount(0);
  await expect(page.getByTestId("card-front")).toHaveCount(0);
  // (focus off the navigation link: Space and Enter on a link are the link's)
  const blur = () => page.evaluate(() => document.activeElement?.blur());
  await blur();
  await page.keyboard.press("Space");
  await page.keyboard.press("3");
  await page.getByTestId("nav-cards").click();
  await expect(page.getByTestId("count-new")).toHaveText("20");
  expect(fetched).toHaveLength(2);
  expect(await storedLog(page)).toEqual([]);
  // one keyboard listener only: Space shows the answer and does not also grade the card
  await blur();
  await page.keyboard.press("Space");
  await expect(page.getByTestId("card-back")).toBeVisible();
  await expectCounts(page, { new: 20, learning: 0, due: 0 });
  await page.keyboard.press("3");
  await expectCounts(page, { new: 19, learning: 1, due: 0 });
  expect((await storedLog(page)).map((e) => e.rating)).toEqual([3]);
});

// This test provokes a failure on purpose, so it does not use the no-console-error fixture.
plainTest("a Flashcards module that fails to load says so, and Try again loads it", async ({ page }) => {
  await page.route(/cards_bg\.wasm/, (route) => route.fulfill({ status: 404, body: "gone" }));
  await openApp(page, "#/cards");
  const error = page.getByTestId("cards-error");
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("role", "alert");
  await expect(error).toContainText("The flashcards could not be loaded");
  await expect(page.getByTestId("cards-loading")).toHaveCount(0);
  // the rest of the app still works
  await expect(page.getByTestId("nav-lab")).toBeVisible();

  await page.unroute(/cards_bg\.wasm/);
  await page.getByTestId("cards-retry").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Flashcards");
  await expect(page.getByTestId("count-new")).toBeVisible();
  await expect(error).toHaveCount(0);
});
