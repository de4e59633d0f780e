// Prints the gzip (-9) sizes of the first load — the wasm, js and css in dist/ — and fails if they
// add up to more than the budget. The lazily loaded modules — Flashcards (cards.js +
// cards_bg.wasm) and the lab's extras (labx.js + labx_bg.wasm) — are reported on their own and not
// counted in the first load. Also
// prints each wasm's size before wasm-opt, for comparison.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_BYTES = 300 * 1000;
// Lazily loaded modules: file names (unhashed, see index.html) and what they hold.
const LAZY = {
  "cards.js": "Flashcards",
  "cards_bg.wasm": "Flashcards",
  "labx.js": "Lab extras (playground, models, jitter chart)",
  "labx_bg.wasm": "Lab extras (playground, models, jitter chart)",
};
const dist = process.argv[2] ?? "dist";
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const rows = [];
for (const name of readdirSync(dist).sort()) {
  const kind = name.endsWith(".wasm") ? "wasm" : name.endsWith(".js") || name.endsWith(".mjs") ? "js" : name.endsWith(".css") ? "css" : null;
  if (!kind) continue;
  const path = join(dist, name);
  rows.push({ kind, name, lazy: LAZY[name], raw: readFileSync(path).length, gzip: gz(path) });
}
const first = rows.filter((r) => !r.lazy);
const lazy = rows.filter((r) => r.lazy);
if (!first.some((r) => r.kind === "wasm")) {
  console.error(`no .wasm file in ${dist}/: build first`);
  process.exit(1);
}
const line = (r) => console.log(`${r.kind.padEnd(5)} ${r.name.padEnd(44)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip`);
const sum = (list) => list.reduce((total, r) => total + r.gzip, 0);
first.forEach(line);
const total = sum(first);
console.log(`first load (wasm + js + css, gzip -9): ${kb(total)} — budget ${kb(BUDGET_BYTES)}`);
for (const what of new Set(lazy.map((r) => r.lazy))) {
  const module = lazy.filter((r) => r.lazy === what);
  module.forEach(line);
  console.log(`${what} module, loaded when the page is opened (wasm + js, gzip -9): ${kb(sum(module))} — not in the first load`);
}
if (Object.keys(LAZY).some((name) => !rows.some((r) => r.name === name))) {
  console.error(`missing lazily loaded files in ${dist}/ (expected ${Object.keys(LAZY).join(", ")})`);
  process.exit(1);
}

const unopt = join(process.env.CARGO_TARGET_DIR ?? "target", "wasm-bindgen", "release");
if (existsSync(unopt)) {
  for (const name of readdirSync(unopt).filter((n) => n.endsWith("_bg.wasm")).sort()) {
    const path = join(unopt, name);
    console.log(`${name} before wasm-opt (data-wasm-opt="0" would ship this): ${kb(readFileSync(path).length)} raw, ${kb(gz(path))} gzip`);
  }
}
if (total > BUDGET_BYTES) {
  console.error(`first load ${kb(total)} is over the ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
