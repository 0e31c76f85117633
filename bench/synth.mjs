#!/usr/bin/env node
// Times a full synth of zonke.config.ts through the fast path (node runs the compiled entry) and
// through `cdktf synth` (the CLI runs the same entry), in one run, checks that both wrote identical
// stacks, and prints both times and their ratio. Goal: fast path <= 0.15x cdktf-cli.
//   npm run bench:synth [-- --runs 5]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

const GOAL = 0.15;
const root = path.resolve(import.meta.dirname, "..");
const results = path.join(root, "bench/results");
const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs must be a whole number >= 1, got "${values.runs}"`);
  process.exit(2);
}

// Both outputs sit side by side so that relative paths in them (local state) are the same.
const fastOut = path.join(results, "fast-out");
const cliOut = path.join(results, "cli-out");
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: "", ZONKE_ENV: "" };

const contenders = [
  {
    name: "fast path (node dist/main.js)",
    command: [process.execPath, "packages/stacks/dist/main.js", "--quiet", "--out", fastOut],
  },
  {
    name: "cdktf synth (cdktf-cli 0.21.0)",
    command: [path.join(root, "node_modules/.bin/cdktf"), "synth", "--output", cliOut],
  },
];

function time(command) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), { cwd: root, env, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    console.error(
      `bench: ${command.join(" ")} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
    );
    process.exit(1);
  }
  return seconds;
}

function stackFiles(outdir) {
  const stacksDir = path.join(outdir, "stacks");
  return fs
    .readdirSync(stacksDir)
    .sort()
    .map((stack) => path.join("stacks", stack, "cdk.tf.json"));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const build = spawnSync(
  "npx",
  ["--no-install", "turbo", "run", "build", "--output-logs=errors-only"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (build.status !== 0) process.exit(1);

fs.rmSync(fastOut, { recursive: true, force: true });
fs.rmSync(cliOut, { recursive: true, force: true });
// Alternate the two so that machine load drifts hit both alike, and let the machine settle
// between runs (untimed): the CLI leaves processes winding down that would slow the next run.
const SETTLE_MS = 3000;
const settle = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
const timings = contenders.map(() => []);
for (let run = 0; run < runs; run++) {
  contenders.forEach((c, i) => {
    settle();
    timings[i].push(time(c.command));
  });
}

const fastFiles = stackFiles(fastOut);
const cliFiles = stackFiles(cliOut);
const differing = fastFiles.filter(
  (file) =>
    !cliFiles.includes(file) ||
    !fs.readFileSync(path.join(fastOut, file)).equals(fs.readFileSync(path.join(cliOut, file))),
);
const identical = differing.length === 0 && fastFiles.length === cliFiles.length;

const [fast, cli] = timings.map(median);
const ratio = fast / cli;
const rows = contenders.map((c, i) => [
  c.name,
  String(runs),
  timings[i].map((t) => t.toFixed(2)).join(" "),
  median(timings[i]).toFixed(2),
]);
const header = ["synth", "runs", "seconds", "median s"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, widths.map((w) => "-".repeat(w)), ...rows]) {
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
}
console.log(
  `\nstacks: ${fastFiles.length}; outputs identical: ${identical ? "yes" : `NO (${differing.join(", ")})`}`,
);
console.log(
  `ratio fast/cli: ${ratio.toFixed(3)}x (goal <= ${GOAL}x: ${ratio <= GOAL ? "met" : "not met"})`,
);

fs.writeFileSync(
  path.join(results, "synth.json"),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      runs,
      stacks: fastFiles.length,
      identical,
      seconds: Object.fromEntries(contenders.map((c, i) => [c.name, timings[i]])),
      median: { fast, cli },
      ratio,
      goal: GOAL,
    },
    null,
    2,
  ) + "\n",
);
process.exit(identical ? 0 : 1);
