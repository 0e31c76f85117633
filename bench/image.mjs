#!/usr/bin/env node
// In one run, the same images, widths, qualities and Accept headers through (a) our image
// optimiser and (b) Next.js's own (`next start` serving /_next/image, its image cache wiped before
// every request, so every request is a cold optimisation). Prints median latency and output bytes
// for each and the ratios (goals: latency <= 0.8x, bytes <= 1.0x), then our zip and unzipped sizes
// next to OpenNext's image function for the same app (goal <= 0.5x).
//   npm run bench:image [-- --runs 7]
//
// Both run on this machine over loopback HTTP: ours behind a small server that turns requests into
// Function URL events, with local images read from the app's files instead of S3. Ours runs twice:
// with one libvips thread, as on a Lambda function below 3,538 MB (the default, 1,536 MB), and with
// two, as from 3,538 MB (two full vCPUs; see src/threads.ts). Next uses one thread on this machine
// whatever the cores: sharp's default on glibc, halved again by Next.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const appDir = path.join(root, "apps/example-next");
const optimizerDir = path.join(root, "packages/lambdas/image-optimizer");
const results = path.join(root, "bench/results");
const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs must be a whole number >= 1, got "${values.runs}"`);
  process.exit(2);
}

const ACCEPT = {
  avif: "image/avif,image/webp,image/apng,*/*;q=0.8",
  webp: "image/webp,*/*;q=0.8",
};
const CASES = [
  ...["hero.jpg", "texture.jpg"].flatMap((image) =>
    [640, 1080, 1920].flatMap((w) =>
      Object.keys(ACCEPT).map((accept) => ({ url: `/images/${image}`, w, q: 75, accept })),
    ),
  ),
  ...Object.keys(ACCEPT).map((accept) => ({ url: "/images/logo.png", w: 384, q: 75, accept })),
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sh = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: "inherit" });

// --- our handler -------------------------------------------------------------------------------
async function startOurs() {
  const esbuild = require("esbuild");
  // Inside the repository so that the bundle's `require("sharp")` finds the installed sharp.
  const bundle = path.join(root, "node_modules/.cache/zonke", `bench-image-${process.pid}.cjs`);
  esbuild.buildSync({
    stdin: {
      contents: `export { createImageHandler } from "./src/app";
        export { normaliseImageConfig } from "./src/image-config";
        export { limitsFromEnv } from "./src/limits";
        export { PUBLIC_UNICAST_ONLY } from "./src/address-policy";
        export { configureSharp } from "./src/transform";`,
      resolveDir: optimizerDir,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["sharp", "@aws-sdk/*"],
    outfile: bundle,
    logLevel: "error",
  });
  const lib = require(bundle);
  const manifest = JSON.parse(
    fs.readFileSync(path.join(appDir, ".next/images-manifest.json"), "utf8"),
  );
  const handler = lib.createImageHandler({
    config: lib.normaliseImageConfig(manifest.images).config,
    limits: lib.limitsFromEnv({}),
    assetsPrefix: "assets",
    addressPolicy: lib.PUBLIC_UNICAST_ONLY,
    objectSource: {
      // What the asset upload puts under assets/: public/ at the root, .next/static under _next/static.
      async getObject(key) {
        const urlPath = key.replace(/^assets\//, "");
        const file = urlPath.startsWith("_next/static/")
          ? path.join(appDir, ".next/static", urlPath.slice("_next/static/".length))
          : path.join(appDir, "public", urlPath);
        return { body: fs.readFileSync(file) };
      },
    },
  });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const response = await handler({
      version: "2.0",
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      requestContext: { http: { method: req.method, path: url.pathname } },
      isBase64Encoded: false,
    });
    res.writeHead(response.statusCode, response.headers);
    res.end(response.isBase64Encoded ? Buffer.from(response.body, "base64") : response.body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    /** libvips threads for the next requests (process-wide, as at the function's init). */
    useThreads: (threads) => lib.configureSharp(threads),
    stop: () => server.close(() => fs.rmSync(bundle, { force: true })),
  };
}

// --- Next.js -----------------------------------------------------------------------------------
async function startNext() {
  const port = 43000 + Math.floor(Math.random() * 1000);
  const next = spawn(
    process.execPath,
    [
      require.resolve("next/dist/bin/next", { paths: [appDir] }),
      "start",
      "-H",
      "127.0.0.1",
      "-p",
      String(port),
    ],
    {
      cwd: appDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      stdio: "ignore",
    },
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await request(port, "/static", "text/html");
      return { port, stop: () => next.kill() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  next.kill();
  throw new Error("next start did not answer within 20 s");
}

function request(port, pathAndQuery, accept) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.get(
      { host: "127.0.0.1", port, path: pathAndQuery, headers: { accept } },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          const body = Buffer.concat(chunks);
          if (res.statusCode !== 200)
            reject(
              new Error(`${pathAndQuery}: HTTP ${res.statusCode} ${body.toString().slice(0, 200)}`),
            );
          else resolve({ ms, bytes: body.length, type: res.headers["content-type"] });
        });
      },
    );
    req.on("error", reject);
  });
}

// --- sizes -------------------------------------------------------------------------------------
function dirBytes(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

function zipBytes(dir) {
  const { zipSync } = require("fflate");
  const files = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = fs.readFileSync(full);
    }
  }
  return zipSync(files, { level: 9 }).length;
}

function ourArtifact(arch) {
  sh("node", ["scripts/build.mjs", "--arch", arch, "--next-dir", appDir], optimizerDir);
  return JSON.parse(fs.readFileSync(path.join(optimizerDir, "dist/artifact.json"), "utf8"));
}

// --- the run -----------------------------------------------------------------------------------
sh(
  "npx",
  ["--no-install", "turbo", "run", "build", "--filter=example-next", "--output-logs=errors-only"],
  root,
);
const ours = await startOurs();
const nextServer = await startNext();
// Our variants: libvips threads as on Lambda below 3,538 MB, and from 3,538 MB when there are cores.
const VARIANTS = [
  { name: "ours", threads: 1 },
  ...(os.availableParallelism() >= 2 ? [{ name: "ours 2 vCPU", threads: 2 }] : []),
];
const rows = [];
try {
  for (const c of CASES) {
    const query = `/_next/image?url=${encodeURIComponent(c.url)}&w=${c.w}&q=${c.q}`;
    const row = { case: `${path.basename(c.url)} w=${c.w} ${c.accept}`, format: c.accept };
    const timings = { next: [], ...Object.fromEntries(VARIANTS.map((v) => [v.name, []])) };
    await request(ours.port, query, ACCEPT[c.accept]); // warm the handler's code paths once
    for (let run = 0; run < runs; run++) {
      fs.rmSync(path.join(appDir, ".next/cache/images"), { recursive: true, force: true });
      const nextOut = await request(nextServer.port, query, ACCEPT[c.accept]);
      timings.next.push(nextOut.ms);
      row.next = { bytes: nextOut.bytes, type: nextOut.type };
      for (const variant of VARIANTS) {
        ours.useThreads(variant.threads);
        const out = await request(ours.port, query, ACCEPT[c.accept]);
        timings[variant.name].push(out.ms);
        row[variant.name] = { bytes: out.bytes, type: out.type };
      }
    }
    for (const [name, ms] of Object.entries(timings)) row[name].ms = median(ms);
    rows.push(row);
  }
} finally {
  ours.stop();
  nextServer.stop();
}

const openNextDir = path.join(appDir, ".open-next/image-optimization-function");
if (!fs.existsSync(openNextDir)) sh("npx", ["--no-install", "open-next", "build"], appDir);
const openNextArch = fs.existsSync(path.join(openNextDir, "node_modules/@img/sharp-linux-arm64"))
  ? "arm64"
  : "x86_64";
const artifact = ourArtifact(openNextArch);
const sizes = {
  arch: openNextArch,
  ours: { zip: artifact.zipBytes, unzipped: artifact.unzippedBytes },
  openNext: { zip: zipBytes(openNextDir), unzipped: dirBytes(openNextDir) },
};

const ratio = (row, name, key) => row[name][key] / row.next[key];
const header = ["case", "next ms", "next bytes"];
for (const v of VARIANTS) header.push(`${v.name} ms`, "ratio", `${v.name} bytes`, "ratio");
header.push("type");
const table = rows.map((r) => [
  r.case,
  r.next.ms.toFixed(0),
  String(r.next.bytes),
  ...VARIANTS.flatMap((v) => [
    r[v.name].ms.toFixed(0),
    ratio(r, v.name, "ms").toFixed(2),
    String(r[v.name].bytes),
    ratio(r, v.name, "bytes").toFixed(2),
  ]),
  VARIANTS.every((v) => r[v.name].type === r.next.type) ? r.next.type : "TYPES DIFFER",
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
for (const row of [header, widths.map((w) => "-".repeat(w)), ...table]) {
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
}

// Median ratios over every case, and per output format.
const summary = {};
console.log("");
for (const v of VARIANTS) {
  const of = (subset, key) => median(subset.map((r) => ratio(r, v.name, key)));
  const latency = of(rows, "ms");
  const bytes = of(rows, "bytes");
  summary[v.name] = { threads: v.threads, latencyRatio: latency, bytesRatio: bytes, byFormat: {} };
  const formats = Object.keys(ACCEPT).map((format) => {
    const subset = rows.filter((r) => r.format === format);
    summary[v.name].byFormat[format] = {
      latencyRatio: of(subset, "ms"),
      bytesRatio: of(subset, "bytes"),
    };
    return `${format} ${of(subset, "ms").toFixed(2)}x / ${of(subset, "bytes").toFixed(2)}x`;
  });
  console.log(
    `${v.name} (${v.threads} thread${v.threads > 1 ? "s" : ""}): median latency ${latency.toFixed(2)}x ` +
      `(goal <= 0.8x: ${latency <= 0.8 ? "met" : "not met"}), bytes ${bytes.toFixed(2)}x ` +
      `(goal <= 1.0x: ${bytes <= 1 ? "met" : "not met"}); latency / bytes by format: ${formats.join(", ")}`,
  );
}
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
const zipRatio = sizes.ours.zip / sizes.openNext.zip;
const unzippedRatio = sizes.ours.unzipped / sizes.openNext.unzipped;
console.log(
  `\nimage function (${sizes.arch}): ours ${mb(sizes.ours.zip)} zipped / ${mb(sizes.ours.unzipped)} unzipped; ` +
    `OpenNext ${mb(sizes.openNext.zip)} / ${mb(sizes.openNext.unzipped)}; ` +
    `ratios ${zipRatio.toFixed(2)}x / ${unzippedRatio.toFixed(2)}x (goal <= 0.5x: ${zipRatio <= 0.5 && unzippedRatio <= 0.5 ? "met" : "not met"})`,
);
fs.mkdirSync(results, { recursive: true });
fs.writeFileSync(
  path.join(results, "image.json"),
  JSON.stringify({ date: new Date().toISOString(), runs, rows, summary, sizes }, null, 2) + "\n",
);
