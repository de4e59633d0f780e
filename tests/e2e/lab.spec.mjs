import { test, expect, openApp } from "./fixtures.mjs";

/** The simulated clock shown on the lab page, in seconds ("t = 12.3 s"). */
async function simTime(page) {
  const text = await page.getByTestId("sim-time").innerText();
  const m = /t = ([0-9.]+) s/.exec(text);
  expect(m, `sim-time text: ${text}`).not.toBeNull();
  return Number(m[1]);
}

test("the lab shows the topology canvas, the controls, the pools and the chart", async ({ page }) => {
  await openApp(page, "#/lab");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Lab");
  const canvas = page.locator("canvas.lab-canvas");
  await expect(canvas).toBeVisible();
  await expect(canvas).toHaveAttribute("role", "img");
  const preset = page.getByTestId("preset");
  await expect(preset).toBeVisible();
  await expect(preset.locator("option")).toHaveCount(2);
  await expect(preset).toHaveValue("shop");
  await expect(page.getByRole("table", { name: "Worker pools (last second)" })).toBeVisible();
  await expect(page.getByTestId("pool-frontend")).toBeVisible();
  await expect(page.locator("figure.lab-chart canvas")).toBeVisible();
  await expect(page.getByTestId("knob-workers.frontend")).toBeVisible();
});

test("play runs the simulated clock and pause stops it", async ({ page }) => {
  await openApp(page, "#/lab");
  const play = page.getByTestId("play");
  // the lab starts running: pause it first, so the test presses play itself
  await expect(play).toHaveAttribute("aria-pressed", "true");
  await play.click();
  await expect(play).toHaveAttribute("aria-pressed", "false");
  await expect(play).toContainText("Play");
  // the readout refreshes a few times a second: let it catch up with the paused engine
  await page.waitForTimeout(500);
  const paused = await simTime(page);
  await page.waitForTimeout(600);
  expect(await simTime(page)).toBe(paused);

  await play.click();
  await expect(play).toHaveAttribute("aria-pressed", "true");
  await expect.poll(() => simTime(page), { timeout: 10_000 }).toBeGreaterThan(paused + 0.5);
  await expect(page.getByTestId("success-rate")).toHaveText(/^\d+\.\d%$/);
});

test("step advances 100 ms while paused", async ({ page }) => {
  await openApp(page, "#/lab");
  await page.getByTestId("play").click();
  await expect(page.getByTestId("play")).toHaveAttribute("aria-pressed", "false");
  await page.waitForTimeout(500);
  const before = await simTime(page);
  await page.getByTestId("step").click();
  await page.getByTestId("step").click();
  await expect.poll(() => simTime(page)).toBeCloseTo(before + 0.2, 1);
});

test("the preset and seed live in the URL", async ({ page }) => {
  await openApp(page, "#/lab?preset=mmc&seed=7");
  await expect(page.getByTestId("preset")).toHaveValue("mmc");
  await expect(page.getByTestId("seed")).toHaveValue("7");
  await expect(page.getByTestId("pool-server")).toBeVisible();
  await page.getByTestId("preset").selectOption("shop");
  await expect(page).toHaveURL(/#\/lab\?preset=shop&seed=42$/);
  await expect(page.getByTestId("pool-inventory")).toBeVisible();
});
