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
