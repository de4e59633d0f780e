// Playwright end-to-end tests: the release build in dist/, served under a sub-path on loopback,
// driven in Debian's Chromium (never a downloaded browser).
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 4173);
export const mount = "/course/unit-3/faultline/";

export default defineConfig({
  testDir: "tests/e2e",
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}${mount}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: `node tests/e2e/serve.mjs --dist ${process.env.E2E_DIST ?? "dist"} --mount ${mount} --port ${port}`,
    url: `http://127.0.0.1:${port}${mount}`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
