// A tiny static file server for the end-to-end tests: serves DIST under MOUNT (a sub-path, as a
// course site would host us) on 127.0.0.1:PORT with correct MIME types. No dependencies.
// Usage: node tests/e2e/serve.mjs [--dist dist] [--mount /course/unit-3/faultline/] [--port 4173]
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const dist = resolve(args.dist ?? "dist");
const mount = args.mount ?? "/course/unit-3/faultline/";
const port = Number(args.port ?? 4173);

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  let path = decodeURIComponent(url.pathname);
  if (path === "/embed-test.html") {
    // A page that embeds the app in an iframe, like a course page would.
    res.writeHead(200, { "content-type": types[".html"] });
    res.end(`<!doctype html><title>Course page</title><link rel="icon" href="data:,"><h1>Unit 3</h1>
<iframe id="widget" src="${mount}#/learn" width="900" height="600" title="Faultline"></iframe>`);
    return;
  }
  if (!path.startsWith(mount)) {
    res.writeHead(404, { "content-type": types[".txt"] });
    res.end("not found");
    return;
  }
  let rel = path.slice(mount.length);
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  const file = normalize(join(dist, rel));
  if (!file.startsWith(dist + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": types[".txt"] });
    res.end("not found");
  }
});

server.listen(port, "127.0.0.1", () => {
  console.log(`serving ${dist} at http://127.0.0.1:${port}${mount}`);
});
