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
  await expect(preset.locator("option")).toHaveCount(10);
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

/** Sets a range knob the way a keyboard or mouse user would end up: value, then change. */
async function setKnob(page, id, value) {
  const knob = page.getByTestId(`knob-${id}`);
  await expect(knob).toBeVisible();
  await knob.evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

async function successRate(page) {
  const text = await page.getByTestId("success-rate").innerText();
  return Number.parseFloat(text);
}

test("flash sale: a slow inventory saturates the frontend and opens its breaker; the fixed variant recovers; the URL carries it all", async ({ page, context }) => {
  await openApp(page, "#/lab?preset=flash-sale");
  await expect(page.getByTestId("preset")).toHaveValue("flash-sale");
  await expect(page.getByTestId("variant")).toHaveValue("bad");
  await page.getByTestId("speed").selectOption("25");
  await setKnob(page, "latency.inventory", 500);

  // the frontend's pool fills up, and the monitoring strip's saturation alert (pools over 80 %)
  // fires with it, told by a word as well as a border
  const saturation = page.getByTestId("alert-saturation");
  await expect
    .poll(
      async () =>
        Number(await page.getByTestId("pool-frontend").getAttribute("data-busy")) > 0.95 &&
        (await saturation.getAttribute("data-firing")) === "true" &&
        (await saturation.innerText()).includes("firing"),
      { timeout: 30_000 },
    )
    .toBe(true);
  // ...and the breaker on inventory leaves CLOSED (told by text, not colour)
  const breaker = page.locator('[data-testid="breaker-state"][data-edge="frontend->inventory"]');
  await expect(breaker).toContainText("OPEN", { timeout: 30_000 });
  // its panel: the diagram names a state other than CLOSED, the window shows failed calls
  // against the threshold
  const panel = page.locator('.breaker-panel[data-edge="frontend->inventory"]');
  await expect(panel.getByRole("img", { name: /Breaker state machine/ })).toHaveAttribute("aria-label", /now (OPEN|HALF_OPEN)/);
  await expect(panel).toContainText(/opens at ≥ \d+ %/);
  await expect.poll(() => successRate(page), { timeout: 30_000 }).toBeLessThan(50);

  // the same seed and knobs with the patterns in place
  await page.getByTestId("variant").selectOption("fixed");
  await expect(page.getByText("The fix:")).toBeVisible();
  await expect.poll(() => successRate(page), { timeout: 30_000 }).toBeGreaterThan(95);

  // copy the URL into a new page: same scenario, variant, knob and seed
  const url = page.url();
  expect(url).toContain("preset=flash-sale");
  expect(url).toContain("variant=fixed");
  expect(url).toContain("latency.inventory:500");
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId("page")).toBeVisible();
  await expect(other.getByTestId("preset")).toHaveValue("flash-sale");
  await expect(other.getByTestId("variant")).toHaveValue("fixed");
  await expect(other.getByTestId("seed")).toHaveValue("7");
  await expect(other.getByTestId("knob-latency.inventory")).toHaveValue("500");
});

test("a bad variant in the URL falls back with a visible notice", async ({ page }) => {
  await openApp(page, "#/lab?preset=flash-sale&variant=worse&seed=x");
  const notice = page.getByTestId("lab-notice");
  await expect(notice).toContainText("Unknown variant “worse”");
  await expect(notice).toContainText("Seed “x”");
  await expect(page.getByTestId("variant")).toHaveValue("bad");
});

test("the lab's extras load on demand: the default lab fetches no labx module, the playground does, once", async ({ page }) => {
  const fetched = [];
  page.on("request", (r) => {
    const name = new URL(r.url()).pathname.split("/").pop();
    if (name.startsWith("labx")) fetched.push(name);
  });
  await openApp(page, "#/lab");
  await expect(page.getByTestId("pool-frontend")).toBeVisible();
  expect(fetched).toEqual([]);
  await page.getByTestId("preset").selectOption("breaker-playground");
  await expect(page.getByTestId("pg-state")).toHaveText("CLOSED");
  expect(fetched.sort()).toEqual(["labx.js", "labx_bg.wasm"]);
  // another extra reuses the module already loaded
  await page.getByTestId("preset").selectOption("partition-quorum");
  await expect(page.getByTestId("model-results")).toBeVisible();
  expect(fetched).toHaveLength(2);
});

test("breaker playground: four failures keep it CLOSED, the fifth opens it, and the wait lets a trial through", async ({ page }) => {
  await openApp(page, "#/lab?preset=breaker-playground");
  const state = page.getByTestId("pg-state");
  await expect(state).toHaveText("CLOSED");
  const diagram = page.getByRole("img", { name: /Breaker state machine/ });
  await expect(diagram).toHaveAttribute("aria-label", /now CLOSED/);
  // the default breaker: window of 10 calls, rates count from 5 calls, opens at ≥ 50 % failures
  for (let i = 0; i < 4; i++) await page.getByTestId("pg-failure").click();
  await expect(state).toHaveText("CLOSED");
  await expect(page.locator(".pg-window .cell.bad")).toHaveCount(4);
  await page.getByTestId("pg-failure").click();
  await expect(state).toHaveText("OPEN");
  await expect(diagram).toHaveAttribute("aria-label", /now OPEN/);
  await expect(page.getByTestId("playground")).toContainText("Failure rate 100 %");
  // keyboard: the buttons are reachable and work with Enter
  await page.getByTestId("pg-advance").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("playground")).toContainText("clock 10 s");
  // Resilience4j lets a call through only once the 10 s wait is strictly over
  await page.getByTestId("pg-success").click();
  await expect(state).toHaveText("OPEN");
  await page.getByTestId("pg-advance").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("playground")).toContainText("clock 15 s");
  await page.getByTestId("pg-success").click();
  await expect(state).toHaveText("HALF_OPEN");
  await expect(diagram).toHaveAttribute("aria-label", /now HALF_OPEN/);
  // reset: a fresh breaker
  await page.getByTestId("pg-reset").click();
  await expect(state).toHaveText("CLOSED");
  await expect(page.locator(".pg-window .cell.bad")).toHaveCount(0);
});

test("the small models show bad and fixed side by side: saga and quorum", async ({ page }) => {
  await openApp(page, "#/lab?preset=lock-saga");
  const saga = page.locator('[data-testid="model-results"][data-model="lock-saga"]');
  await expect(saga).toBeVisible();
  const completed = saga.getByRole("row", { name: /orders completed/ }).getByRole("cell");
  await expect(completed.nth(0)).toHaveText(/^0 of \d+$/);
  const fixedDone = /^(\d+) of (\d+)$/.exec(await completed.nth(1).innerText());
  expect(Number(fixedDone[1])).toBeGreaterThan(0.8 * Number(fixedDone[2]));
  const lost = saga.getByRole("row", { name: /money taken for nothing/ }).getByRole("cell");
  await expect(lost.nth(1)).toHaveText("0.00 €");
  await expect(lost.nth(0)).not.toHaveText("0.00 €");

  await page.getByTestId("preset").selectOption("partition-quorum");
  const quorum = page.locator('[data-testid="model-results"][data-model="partition-quorum"]');
  const diverged = quorum.getByRole("row", { name: /keys that diverged/ }).getByRole("cell");
  expect(Number(await diverged.nth(0).innerText())).toBeGreaterThan(0);
  await expect(diverged.nth(1)).toHaveText("0");
  const refused = quorum.getByRole("row", { name: /writes refused/ }).getByRole("cell");
  await expect(refused.nth(0)).toHaveText("0");
  expect(Number(await refused.nth(1).innerText())).toBeGreaterThan(0);
  await expect(page).toHaveURL(/preset=partition-quorum/);
});

test("the jitter chart computes Brooker's sweep in the page and full jitter beats plain exponential backoff", async ({ page }) => {
  await openApp(page, "#/lab?preset=jitter");
  const progress = page.getByTestId("jitter-progress");
  await expect(progress).toHaveAttribute("data-done", "true", { timeout: 30_000 });
  await expect(progress).toContainText("All 9500 trials done");
  const table = page.getByTestId("jitter-table");
  await expect(table.getByRole("row")).toHaveCount(6);
  const calls = async (name) => Number(await table.getByRole("row", { name }).getByRole("cell").first().innerText());
  const exponential = await calls(/^exponential/);
  const full = await calls(/^full jitter/);
  expect(full).toBeLessThan(exponential / 1.5);
  await expect(page.getByRole("img", { name: /Writes sent \(calls\) against the number of clients/ })).toBeVisible();
});

test("the trace view lays out a picked request's calls as a waterfall", async ({ page }) => {
  await openApp(page, "#/lab?preset=flash-sale");
  const pick = page.getByTestId("trace-pick");
  await expect.poll(() => pick.locator("option").count(), { timeout: 15_000 }).toBeGreaterThan(2);
  const id = await pick.locator("option").nth(1).getAttribute("value");
  await pick.selectOption(id);
  const waterfall = page.getByTestId("waterfall");
  await expect(waterfall).toBeVisible();
  const rows = waterfall.locator("tbody tr");
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await expect(rows.first()).toContainText("→");
  await expect(rows.first()).toContainText(/ok|error|timed out|rejected/);
  // the choice stays selected while the list refreshes
  await page.waitForTimeout(600);
  await expect(pick).toHaveValue(id);
});

/** Clicks an export button and returns the download's file name and bytes. */
async function exported(page, testid) {
  const button = page.getByTestId(testid);
  await expect(button).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

test("exports: the metrics as CSV, the chart and the topology as PNG", async ({ page }) => {
  await openApp(page, "#/lab?preset=flash-sale&seed=1");
  await page.getByTestId("speed").selectOption("25");
  await expect.poll(() => simTime(page), { timeout: 20_000 }).toBeGreaterThan(12);

  const csv = await exported(page, "export-csv");
  expect(csv.name).toBe("faultline-flash-sale-bad-seed1.csv");
  const lines = csv.bytes.toString("utf8").trim().split("\n");
  expect(lines[0]).toMatch(/^t_s,requests,ok,errors,timeouts,rejected,success_pct,p50_ms,p99_ms,/);
  expect(lines[0]).toContain("frontend_busy,frontend_queue,frontend_p99_ms");
  expect(lines.length).toBeGreaterThanOrEqual(11);
  const columns = lines[0].split(",").length;
  for (const row of lines.slice(1)) {
    const cells = row.split(",");
    expect(cells).toHaveLength(columns);
    for (const c of cells) expect(Number.isFinite(Number(c)), `${c} in ${row}`).toBe(true);
  }
  // one row per simulated second, about 300 shoppers a second before the sale
  expect(Number(lines[5].split(",")[1])).toBeGreaterThan(200);
  await expect(page.getByTestId("export-status")).toContainText("Saved faultline-flash-sale-bad-seed1.csv");

  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (const [testid, name, width, height] of [
    ["export-png", "faultline-flash-sale-bad-seed1-chart.png", 520, 260],
    ["export-topology-png", "faultline-flash-sale-bad-seed1-topology.png", 900, 420],
  ]) {
    const png = await exported(page, testid);
    expect(png.name).toBe(name);
    expect(png.bytes.subarray(0, 8).equals(PNG), `${name} starts with the PNG signature`).toBe(true);
    // the IHDR chunk: the canvas's own size
    expect(png.bytes.readUInt32BE(16)).toBe(width);
    expect(png.bytes.readUInt32BE(20)).toBe(height);
    expect(png.bytes.length).toBeGreaterThan(3000);
    expect(png.bytes.length).toBeLessThan(2_000_000);
  }
});

test("save scenario JSON: the running preset with the knob moved in the page", async ({ page }) => {
  await openApp(page, "#/lab?preset=flash-sale&variant=fixed&seed=5");
  await setKnob(page, "workers.frontend", 80);
  await expect(page).toHaveURL(/workers\.frontend:80/);
  // the same button works from the keyboard
  await page.getByTestId("save-json").focus();
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  expect(download.suggestedFilename()).toBe("faultline-flash-sale-fixed-seed5.json");
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const text = Buffer.concat(chunks).toString("utf8");
  expect(text.startsWith("{\n  ")).toBe(true);
  const s = JSON.parse(text);
  expect(s.version).toBe(1);
  expect(s.seed).toBe(5);
  expect(s.duration_s).toBe(90);
  expect(s.services.map((x) => x.name)).toEqual(["frontend", "product", "reviews", "inventory"]);
  expect(s.services[0].workers).toBe(80);
  expect(s.services[3].workers).toBe(40);
  expect(s.clients[0].name).toBe("shoppers");
  expect(s.description).toContain("#/lab?preset=flash-sale&variant=fixed&seed=5&k=workers.frontend:80");
  await expect(page.getByTestId("export-status")).toContainText("faultline-cli run faultline-flash-sale-fixed-seed5.json");

  // edit the file (more frontend workers, a slower inventory, another seed) and load it: the lab
  // runs it as the preset with those knobs
  s.services[0].workers = 120;
  s.services[3].latency.mean_ms *= 4;
  s.seed = 9;
  const loadJson = page.getByTestId("load-json");
  await loadJson.setInputFiles({ name: "edited.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await expect(page.getByTestId("export-status")).toContainText("Loaded edited.json: the flash-sale preset");
  await expect(page.getByTestId("knob-workers.frontend")).toHaveValue("120");
  await expect(page.getByTestId("knob-latency.inventory")).toHaveValue("4");
  await expect(page.getByTestId("seed")).toHaveValue("9");
  await expect(page.getByTestId("variant")).toHaveValue("fixed");
  await expect(page).toHaveURL(/seed=9/);

  // a broken file and a scenario the knobs cannot express: a clear message, nothing changes
  const before = page.url();
  await loadJson.setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from('{"version": 1, "services": [') });
  await expect(page.getByTestId("export-status")).toContainText("broken.json was not loaded, and nothing changed");
  await expect(page.getByTestId("export-status")).toContainText("not a scenario Faultline can read");
  s.services[0].queue = { capacity: 3, discipline: "lifo" };
  await loadJson.setInputFiles({ name: "custom.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(s)) });
  await expect(page.getByTestId("export-status")).toContainText("custom.json was not loaded");
  await expect(page.getByTestId("export-status")).toContainText("services[0].queue");
  expect(page.url()).toBe(before);
  await expect(page.getByTestId("knob-workers.frontend")).toHaveValue("120");
});

test("the readout shows the frame budget: script time per frame, p95", async ({ page }) => {
  await openApp(page, "#/lab?preset=flash-sale");
  const frame = page.getByTestId("frame-p95");
  await expect(frame).toHaveText(/^frame: \d+\.\d ms p95 \(engine \+ draw\)$/);
  await expect.poll(async () => Number(await frame.getAttribute("data-count")), { timeout: 10_000 }).toBeGreaterThan(30);
  const ms = Number(await frame.getAttribute("data-ms"));
  expect(ms).toBeGreaterThan(0);
  expect(ms).toBeLessThan(1000);
  const frames = (await frame.getAttribute("data-frames")).split(",").map(Number);
  expect(frames.length).toBeGreaterThan(30);
  expect(frames.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
});

test("side by side: bad and fixed run on one clock with the same seed and knobs; the URL carries it", async ({ page, context }) => {
  await openApp(page, "#/lab?preset=flash-sale");
  const compare = page.getByTestId("compare");
  await expect(compare).not.toBeChecked();
  await expect(page.getByTestId("twin")).toBeHidden();
  await compare.check();
  const twin = page.getByTestId("twin");
  await expect(twin).toBeVisible();
  await expect(twin).toHaveAttribute("data-variant", "fixed");
  await expect(twin.locator("canvas")).toBeVisible();
  expect(page.url()).toContain("compare=1");

  await page.getByTestId("speed").selectOption("25");
  await setKnob(page, "latency.inventory", 500);
  // the same slow inventory: the bad variant collapses, the fixed one beside it holds
  await expect.poll(() => successRate(page), { timeout: 30_000 }).toBeLessThan(50);
  await expect
    .poll(async () => Number.parseFloat(await page.getByTestId("twin-success-rate").innerText()), { timeout: 30_000 })
    .toBeGreaterThan(95);
  // its title names its own breakers' states (present in the fixed variant only)
  await expect(twin.locator("[data-title=twin]")).toContainText(/frontend → inventory [A-Z_]+/);

  // one clock: paused, both show the same simulated time
  await page.getByTestId("play").click();
  await page.waitForTimeout(600);
  const t = await simTime(page);
  expect(t).toBeGreaterThan(1);
  await expect(twin).toHaveAttribute("data-time", t.toFixed(1));

  // the URL opens the same comparison
  const url = page.url();
  expect(url).toContain("latency.inventory:500");
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId("page")).toBeVisible();
  await expect(other.getByTestId("compare")).toBeChecked();
  await expect(other.getByTestId("twin")).toHaveAttribute("data-variant", "fixed");
  await expect(other.getByTestId("knob-latency.inventory")).toHaveValue("500");

  // switching it off leaves one canvas
  await compare.uncheck();
  await expect(page.getByTestId("twin")).toBeHidden();
  expect(page.url()).not.toContain("compare=1");
});

/** Moves the replay scrubber to `t` simulated seconds, as dragging it does. */
async function scrubTo(page, t) {
  await page.getByTestId("scrubber").evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, t);
}

/** The time of the recorded frame on screen, or NaN while live. */
async function replayTime(page) {
  return Number.parseFloat((await page.getByTestId("replay-status").getAttribute("data-time")) ?? "NaN");
}

test("time scrubber: drag back to replay what the canvas showed, step through it, and return to live", async ({ page }) => {
  await openApp(page, "#/lab?preset=flash-sale&k=latency.inventory:500");
  await page.getByTestId("speed").selectOption("25");
  const breaker = page.locator('[data-testid="breaker-state"][data-edge="frontend->inventory"]');
  await expect(breaker).toContainText("OPEN", { timeout: 30_000 });
  await page.getByTestId("play").click();
  await page.waitForTimeout(600);
  const live = await simTime(page);
  const status = page.getByTestId("replay-status");
  await expect(status).toHaveAttribute("data-replaying", "false");
  await expect(status).toContainText("Live; recorded");
  const scrubber = page.getByTestId("scrubber");
  expect(Number(await scrubber.getAttribute("max"))).toBeCloseTo(live, 0);
  await expect(page.getByTestId("live")).toBeDisabled();

  // back to the start of the recording: the breaker was closed then
  await scrubTo(page, Number(await scrubber.getAttribute("min")));
  await expect(status).toHaveAttribute("data-replaying", "true");
  await expect(status).toContainText("Replaying t = ");
  await expect(status).toContainText("frontend → inventory CLOSED");
  await expect(page.getByTestId("live")).toBeEnabled();
  const start = await replayTime(page);
  expect(start).toBeLessThan(1);
  // the keyboard moves through the recording; the step button goes to the next recorded frame
  await scrubber.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowRight");
  await expect.poll(() => replayTime(page)).toBeGreaterThan(start);
  const before = await replayTime(page);
  await page.getByTestId("step").click();
  await expect.poll(() => replayTime(page)).toBeGreaterThan(before);
  // stepping through the recording does not move the engine
  expect(await simTime(page)).toBe(live);
  // from before the oldest frame, Step shows the next frame, not the one already on screen
  await scrubTo(page, Number(await scrubber.getAttribute("min")) - 1);
  const first = await replayTime(page);
  await page.getByTestId("step").click();
  await expect.poll(() => replayTime(page)).toBeGreaterThan(first);

  // later in the recording the breaker has opened
  await scrubTo(page, live - 0.5);
  await expect(status).toContainText(/frontend → inventory (OPEN|HALF_OPEN)/);

  // back to live by the button, which leaves the keyboard focus on the scrubber
  await page.getByTestId("live").click();
  await expect(status).toHaveAttribute("data-replaying", "false");
  await expect(scrubber).toBeFocused();
  // dragging to the right end is live too
  await scrubTo(page, live - 2);
  await expect(status).toHaveAttribute("data-replaying", "true");
  await scrubTo(page, Number(await scrubber.getAttribute("max")));
  await expect(status).toHaveAttribute("data-replaying", "false");

  // playing a replay runs through the recording and rejoins the live run at its end
  await page.getByTestId("speed").selectOption("1");
  await scrubTo(page, live - 1);
  await expect(status).toHaveAttribute("data-replaying", "true");
  await page.getByTestId("play").click();
  await expect(status).toHaveAttribute("data-replaying", "false", { timeout: 10_000 });
  await expect.poll(() => simTime(page), { timeout: 10_000 }).toBeGreaterThan(live + 0.3);
});
