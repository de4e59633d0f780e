// Takes a screenshot of a page in Debian's Chromium: node scripts/screenshot.mjs URL OUT.png [light|dark]
import { chromium } from "@playwright/test";
const [url, out, scheme] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--disable-background-networking","--disable-component-update"] });
const p = await b.newPage({ viewport: { width: 1200, height: 800 }, colorScheme: scheme || "light" });
p.on("console", m => console.log("console", m.type(), m.text()));
await p.goto(url); await p.waitForTimeout(1500);
await p.screenshot({ path: out, fullPage: true }); await b.close();
