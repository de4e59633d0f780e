import { test, expect, openApp } from "./fixtures.mjs";

test("the benchmark page runs M/M/c through the engine and agrees with Erlang C", async ({ page }) => {
  await openApp(page, "#/bench?servers=4&rho=0.5&customers=20000&seed=3&run");
  await expect(page.getByTestId("bench-status")).toHaveText("Done.", { timeout: 20_000 });
  const result = JSON.parse(await page.getByTestId("bench-result").innerText());
  expect(result.model).toBe("M/M/4");
  expect(result.customers).toBe(20000);
  expect(result.customers_per_second).toBeGreaterThan(0);
  // P(wait) within a few points of Erlang C for 20,000 customers
  expect(Math.abs(result.p_wait - result.erlang_c_p_wait)).toBeLessThan(0.03);
});

test("the benchmark page refuses bad parameters with a message", async ({ page }) => {
  await openApp(page, "#/bench");
  await page.getByLabel("Customers").fill("2000000000");
  await page.getByTestId("bench-run").click();
  await expect(page.getByTestId("bench-result")).toContainText(
    "Error: customers must be between 1 and 1000000000, got 2000000000",
    { timeout: 10_000 },
  );
});
