// Runs the engine benchmark (M/M/c through the engine) in headless Chromium on the release build
// in dist/ and prints its JSON. Usage: node scripts/bench-browser.mjs [servers] [rho] [customers] [seed]
import { withPage } from "./bench-page.mjs";

const [servers = "50", rho = "0.9", customers = "1000000", seed = "1"] = process.argv.slice(2);
await withPage(4199, async (browser, base) => {
  const page = await browser.newPage();
  await page.goto(`${base}#/bench?servers=${servers}&rho=${rho}&customers=${customers}&seed=${seed}&run`);
  await page.getByTestId("bench-status").filter({ hasText: "Done." }).waitFor({ timeout: 300_000 });
  const result = JSON.parse(await page.getByTestId("bench-result").innerText());
  result.browser = browser.version();
  console.log(JSON.stringify(result));
});
