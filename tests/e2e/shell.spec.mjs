import { test, expect, openApp } from "./fixtures.mjs";
import { test as plainTest } from "@playwright/test";

const pages = [
  { nav: "nav-lab", hash: "#/lab", title: "Lab" },
  { nav: "nav-learn", hash: "#/learn", title: "Learn" },
  { nav: "nav-cards", hash: "#/cards", title: "Flashcards" },
];

test("the shell renders under a sub-path with header, navigation and the lab", async ({ page }) => {
  await openApp(page);
  expect(new URL(page.url()).pathname).toBe("/course/unit-3/faultline/");
  await expect(page.getByTestId("brand")).toHaveText("Faultline");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText([
    "Lab",
    "Learn",
    "Flashcards",
  ]);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lab");
  await expect(page).toHaveTitle("Lab · Faultline");
});

test("navigation visits every page and marks the current one", async ({ page }) => {
  await openApp(page);
  for (const p of pages) {
    await page.getByTestId(p.nav).click();
    // the lab adds its state to the fragment (#/lab?preset=shop&seed=42)
    await expect(page).toHaveURL(new RegExp(`${p.hash}(\\?.*)?$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(p.title);
    await expect(page.getByTestId(p.nav)).toHaveAttribute("aria-current", "page");
    // each page says what it will hold: real text, not a placeholder
    const text = await page.getByTestId("page").innerText();
    expect(text.length).toBeGreaterThan(200);
    expect(text.toLowerCase()).not.toContain("lorem");
  }
});

test("a reload on any route stays on that route", async ({ page }) => {
  for (const p of pages) {
    await openApp(page, p.hash);
    await page.reload();
    await expect(page.getByTestId("boot")).toHaveCount(0);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(p.title);
    await expect(page.getByTestId("page")).toHaveAttribute("data-route", p.hash.slice(2));
  }
});

test("the browser's back button returns to the previous page", async ({ page }) => {
  await openApp(page, "#/lab");
  await page.getByTestId("nav-cards").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Flashcards");
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lab");
});

test("an unknown route says so and links back", async ({ page }) => {
  await openApp(page, "#/no-such-page");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.getByRole("link", { name: "Go to the lab" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lab");
});

test("the app works inside an iframe on a course page", async ({ page }) => {
  await page.goto("/embed-test.html");
  const frame = page.frameLocator("#widget");
  await expect(frame.getByRole("heading", { level: 1 })).toHaveText("Learn");
  await frame.getByTestId("nav-cards").click();
  await expect(frame.getByRole("heading", { level: 1 })).toHaveText("Flashcards");
});

test("keyboard: Tab reaches the skip link and the navigation, with a visible focus ring", async ({ page }) => {
  await openApp(page);
  await page.keyboard.press("Tab");
  await expect(page.getByText("Skip to content")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("brand")).toBeFocused();
  await page.keyboard.press("Tab");
  const lab = page.getByTestId("nav-lab");
  await expect(lab).toBeFocused();
  const outline = await lab.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).toBe("solid");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Learn");
});

test("light and dark themes follow the system preference", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await openApp(page);
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).toBe("rgb(247, 247, 245)");
  expect(dark).toBe("rgb(15, 20, 25)");
});

// This test provokes a failure on purpose, so it does not use the no-console-error fixture.
plainTest("a wasm file that fails to load shows a clear message instead of a blank page", async ({ page }) => {
  await page.route(/\.wasm$/, (route) => route.fulfill({ status: 404, body: "gone" }));
  await page.goto("./#/lab");
  const notice = page.getByTestId("boot-error");
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("Faultline could not start");
  await expect(notice).toHaveAttribute("role", "alert");
});
