// Shared by the browser benchmarks: serves the release build in dist/ (or $E2E_DIST) under a
// course-like sub-path with tests/e2e/serve.mjs, launches Debian's Chromium headless, runs
// `body(browser, base)` and tears both down.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";

export async function withPage(port, body) {
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
    try {
      await body(browser, `http://127.0.0.1:${port}${mount}`);
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
}
