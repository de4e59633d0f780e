// Runs the engine benchmark (M/M/c through the engine) in headless Chromium on the release build
// in dist/ and prints its JSON. Usage: node scripts/bench-browser.mjs [servers] [rho] [customers] [seed]
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";

const [servers = "50", rho = "0.9", customers = "1000000", seed = "1"] = process.argv.slice(2);
const port = 4199;
const mount = "/course/unit-3/faultline/";
const server = spawn("node", ["tests/e2e/serve.mjs", "--dist", process.env.E2E_DIST ?? "dist", "--port", String(port), "--mount", mount], {
  stdio: "ignore",
});
try {
  await new Promise((r) => setTimeout(r, 500));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const page = await browser.newPage();
  const url = `http://127.0.0.1:${port}${mount}#/bench?servers=${servers}&rho=${rho}&customers=${customers}&seed=${seed}&run`;
  await page.goto(url);
  await page.getByTestId("bench-status").filter({ hasText: "Done." }).waitFor({ timeout: 300_000 });
  const text = await page.getByTestId("bench-result").innerText();
  const result = JSON.parse(text);
  result.browser = await browser.version();
  console.log(JSON.stringify(result));
  await browser.close();
} finally {
  server.kill();
}
