// Shared test fixture: every test fails if the page logs a console error or throws.
import { test as base, expect } from "@playwright/test";

export const test = base.extend({
  consoleErrors: [
    async ({ page }, use) => {
      const errors = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(`console.error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => errors.push(`page error: ${err.message}`));
      await use(errors);
      expect(errors, "the page logged errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the app at a route and waits until the wasm app has replaced the loading notice. */
export async function openApp(page, hash = "") {
  await page.goto(hash ? `./${hash}` : "./");
  await expect(page.getByTestId("page")).toBeVisible();
  await expect(page.getByTestId("boot")).toHaveCount(0);
}
