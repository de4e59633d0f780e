// Prints the gzip (-9) sizes of the first load — the wasm, js and css in dist/ — and fails if they
// add up to more than the budget. Also prints the wasm size before wasm-opt, for comparison.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_BYTES = 300 * 1000;
const dist = process.argv[2] ?? "dist";
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const rows = [];
for (const name of readdirSync(dist).sort()) {
  const kind = name.endsWith(".wasm") ? "wasm" : name.endsWith(".js") && name !== "boot.js" ? "js" : name.endsWith(".css") ? "css" : name === "boot.js" ? "js" : null;
  if (!kind) continue;
  const path = join(dist, name);
  rows.push({ kind, name, raw: readFileSync(path).length, gzip: gz(path) });
}
if (!rows.some((r) => r.kind === "wasm")) {
  console.error(`no .wasm file in ${dist}/: build first`);
  process.exit(1);
}
for (const r of rows) console.log(`${r.kind.padEnd(5)} ${r.name.padEnd(44)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip`);
const total = rows.reduce((sum, r) => sum + r.gzip, 0);
console.log(`first load (wasm + js + css, gzip -9): ${kb(total)} — budget ${kb(BUDGET_BYTES)}`);

const unopt = join("target", "wasm-bindgen", "release");
if (existsSync(unopt)) {
  for (const name of readdirSync(unopt).filter((n) => n.endsWith("_bg.wasm"))) {
    const path = join(unopt, name);
    console.log(`wasm before wasm-opt (data-wasm-opt="0" would ship this): ${kb(readFileSync(path).length)} raw, ${kb(gz(path))} gzip`);
  }
}
if (total > BUDGET_BYTES) {
  console.error(`first load ${kb(total)} is over the ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
