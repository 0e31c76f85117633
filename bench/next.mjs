#!/usr/bin/env node
// Our Next.js server function against OpenNext's (@opennextjs/aws, its default server function)
// and `next start`, for apps/example-next, in one run:
//
// 1. Bundle sizes: both functions' folders, unzipped and zipped (the same zipper, deflate level 9),
//    goal ours <= 0.5x OpenNext for both.
// 2. Cold start: a new `node` process per run installs the Lambda runtime's `awslambda` global
//    (@zonke/lambda-local), imports the function's index.mjs from its extracted folder, and invokes
//    the handler with a Function URL GET / event. Measured from spawn to the first body byte our
//    streaming handler writes, or to the result of a buffered handler (OpenNext's default wrapper,
//    `aws-lambda`, is buffered). Both get the runtime's NODE_PATH, with a stand-in for
//    /var/runtime/node_modules that holds the AWS SDK v3 as nodejs22.x does. Medians of
//    --cold-runs runs each, interleaved. Goal <= 0.8x.
// 3. Warm latency of GET / over loopback HTTP with keep-alive; medians over --requests requests
//    after warm-up, all servers interleaved. A comparison is made only between servers behind the
//    same kind of front:
//    - the goal (<= 1.10x): ours against `next start`, each one process that serves HTTP itself.
//      Ours runs behind @zonke/lambda-local's Function URL front in the same process (an HTTP
//      server that turns each request into an event and the answer back into HTTP: on Lambda the
//      Function URL service does this part, outside the function);
//    - ours and OpenNext behind the same fronts: in-process, and lambda-local's usual one, where
//      the instance is a child process (one IPC hop per request: the instance is faithful, the hop
//      is not Lambda's), each also against `next start`.
//
//   npm run bench:next [-- --cold-runs 20 --requests 200 --rebuild]
//
// Builds what is missing or older than the app's sources: example-next (`next build`), OpenNext's
// output (`open-next build`, which runs next build itself), this repo's next-server package. Both
// functions run from copies outside the repository, as Lambda's /var/task, so neither can load a
// package from the repo's node_modules. Writes bench/results/next.json with the raw numbers.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const appDir = path.join(root, "apps/example-next");
const nextServerDir = path.join(root, "packages/lambdas/next-server");
const openNextDir = path.join(appDir, ".open-next/server-functions/default");
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    "cold-runs": { type: "string", default: "20" },
    requests: { type: "string", default: "200" },
    warmup: { type: "string", default: "30" },
    rebuild: { type: "boolean", default: false },
    // Internal: this file is also the cold-start child (see coldStartChild).
    child: { type: "string" },
    task: { type: "string" },
  },
});

const FUNCTION_URL_HOST = "abcdefghijklmnopqrstuvwxyz.lambda-url.eu-west-1.on.aws";
/** What Lambda and the deployment would set; the same for every contender. */
const LAMBDA_ENV = {
  AWS_REGION: "eu-west-1",
  AWS_LAMBDA_FUNCTION_NAME: "bench-next",
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1536",
  AWS_ACCESS_KEY_ID: "AKIDBENCH",
  AWS_SECRET_ACCESS_KEY: "bench",
  TZ: ":UTC",
  NEXT_TELEMETRY_DISABLED: "1",
  // The SDK warns on Node.js < 22 (this machine); nodejs22.x never prints it.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "1",
};
/** OpenNext's default overrides read these (S3 incremental cache, SQS revalidation, DynamoDB tags). */
const OPEN_NEXT_ENV = {
  CACHE_BUCKET_NAME: "bench-cache",
  CACHE_BUCKET_KEY_PREFIX: "_cache",
  CACHE_BUCKET_REGION: "eu-west-1",
  REVALIDATION_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/bench.fifo",
  REVALIDATION_QUEUE_REGION: "eu-west-1",
  CACHE_DYNAMO_TABLE: "bench-tags",
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];
const sh = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: "inherit" });

// --- builds ------------------------------------------------------------------------------------
function newestMtime(file) {
  const stats = fs.statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return fs
    .readdirSync(file)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stats.mtimeMs);
}

/** Newest of the app's sources (the rule test/support/global-setup.ts uses). */
function newestSource() {
  return ["app", "public", "proxy.ts", "middleware.ts", "next.config.ts", "package.json"]
    .map((name) => path.join(appDir, name))
    .filter((file) => fs.existsSync(file))
    .reduce((newest, file) => Math.max(newest, newestMtime(file)), 0);
}

function builtAt(file) {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

function ensureBuilds() {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const sources = newestSource();
  // open-next build runs next build first, so it covers both when it has to run.
  if (values.rebuild || builtAt(path.join(openNextDir, "index.mjs")) < sources) {
    console.log("bench: open-next build (runs next build)");
    execFileSync("npx", ["--no-install", "open-next", "build"], {
      cwd: appDir,
      stdio: "inherit",
      env,
    });
  }
  const standalone = path.join(appDir, ".next/standalone");
  if (!fs.existsSync(standalone) || builtAt(path.join(appDir, ".next/BUILD_ID")) < sources) {
    console.log("bench: next build");
    execFileSync("npx", ["--no-install", "next", "build"], { cwd: appDir, stdio: "inherit", env });
  }
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: nextServerDir, stdio: "inherit" });
}

// --- the runtime's node_modules ------------------------------------------------------------------
/**
 * A node_modules holding only `@aws-sdk`, standing in for the nodejs22.x runtime's
 * /var/runtime/node_modules (the SDK v3 it provides). Its dependencies resolve from the real path
 * of the link.
 */
function runtimeModules(work) {
  const dir = path.join(work, "runtime", "node_modules");
  fs.mkdirSync(dir, { recursive: true });
  const lambdaRuntime = path.dirname(require.resolve("@zonke/lambda-runtime/package.json"));
  const client = require.resolve("@aws-sdk/client-secrets-manager/package.json", {
    paths: [lambdaRuntime],
  });
  fs.symlinkSync(path.dirname(path.dirname(client)), path.join(dir, "@aws-sdk"));
  return dir;
}

/** NODE_PATH as the runtime sets it (its layers' folders first, then its own, then the task). */
const nodePath = (runtime, taskRoot) => [runtime, taskRoot].join(":");

// --- the two functions, as Lambda unpacks them ---------------------------------------------------
async function prepareFunctions(work) {
  const { extractLambdaArtifact } = await import("@zonke/lambda-local");
  const out = path.join(work, "ours-out");
  const log = execFileSync(
    process.execPath,
    [path.join(nextServerDir, "scripts/package.mjs"), "--app", appDir, "--out", out],
    { encoding: "utf8" },
  );
  const packagedIn = /packaged in (\d+) ms/.exec(log)?.[1];
  const ours = extractLambdaArtifact(path.join(out, "artifact.json"), path.join(work, "ours"));
  const openNext = path.join(work, "opennext");
  fs.cpSync(openNextDir, openNext, { recursive: true });
  const outputJson = JSON.parse(
    fs.readFileSync(path.join(appDir, ".open-next/open-next.output.json"), "utf8"),
  );
  return {
    ours: { taskRoot: ours.taskRoot, zipBytes: fs.statSync(ours.zipFile).size },
    openNext: { taskRoot: openNext, origin: outputJson.origins.default },
    packagedInMs: packagedIn === undefined ? undefined : Number(packagedIn),
  };
}

// --- sizes ---------------------------------------------------------------------------------------
function folderSizes(dir) {
  const { zipSync } = require("fflate");
  const files = {};
  let unzipped = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const bytes = fs.readFileSync(full);
    files[path.relative(dir, full).split(path.sep).join("/")] = bytes;
    unzipped += bytes.length;
  }
  return {
    files: Object.keys(files).length,
    unzipped,
    zipped: zipSync(files, { level: 9 }).length,
  };
}

// --- cold start ----------------------------------------------------------------------------------
/** The Function URL event for GET / that every contender gets. */
async function homeEvent() {
  const { functionUrlEvent } = await import("@zonke/lambda-local");
  return functionUrlEvent(
    {
      method: "GET",
      rawPath: "/",
      rawQueryString: "",
      headers: [
        ["host", FUNCTION_URL_HOST],
        ["accept", "text/html,application/xhtml+xml"],
        ["accept-encoding", "identity"],
        ["user-agent", "bench-next"],
      ],
      body: Buffer.alloc(0),
      sourceIp: "203.0.113.7",
    },
    { domainName: FUNCTION_URL_HOST },
  );
}

/**
 * The child's side: like the Node.js runtime, install `awslambda`, import the handler, invoke it
 * once. Prints the monotonic clock (comparable across processes on one machine) at the first body
 * byte (streaming) or at the result (buffered), then exits.
 */
async function coldStartChild(taskRoot) {
  const lambdaLocal = await import("@zonke/lambda-local");
  const { localAwsLambda, isStreamingHandler, LocalResponseStream } = lambdaLocal;
  globalThis.awslambda = localAwsLambda;
  process.chdir(taskRoot);
  const event = await homeEvent();
  const { handler } = await import(pathToFileURL(path.join(taskRoot, "index.mjs")).href);
  const context = {
    awsRequestId: "bench",
    functionName: "bench-next",
    getRemainingTimeInMillis: () => 30000,
  };
  let at;
  let status;
  let bodyBytes;
  if (isStreamingHandler(handler)) {
    class FirstByteStream extends LocalResponseStream {
      write(chunk, ...rest) {
        if (at === undefined && chunk?.length > 0) at = process.hrtime.bigint();
        return super.write(chunk, ...rest);
      }
    }
    const stream = new FirstByteStream();
    const finished = new Promise((resolve) => stream.once("finish", resolve));
    await handler(event, stream, context);
    await finished;
    const answer = lambdaLocal.functionUrlAnswer({
      type: "stream",
      contentType: stream.contentType,
      payload: stream.bytes(),
    });
    status = answer.statusCode;
    bodyBytes = answer.body.length;
  } else {
    const result = await handler(event, context);
    at = process.hrtime.bigint();
    const answer = lambdaLocal.functionUrlAnswer({ type: "buffered", result });
    status = answer.statusCode;
    bodyBytes = answer.body.length;
  }
  process.stdout.write(`${JSON.stringify({ at: String(at), status, bodyBytes })}\n`);
  process.exit(0);
}

/** Spawns one cold start; resolves with milliseconds from spawn to the first byte or result. */
function coldStart(contender) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [import.meta.filename, "--child", "cold", "--task", contender.taskRoot],
      {
        cwd: contender.taskRoot,
        env: {
          PATH: process.env.PATH,
          LAMBDA_TASK_ROOT: contender.taskRoot,
          NODE_PATH: nodePath(contender.runtime, contender.taskRoot),
          ...LAMBDA_ENV,
          ...contender.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data) => (stdout += data));
    child.stderr.on("data", (data) => (stderr += data));
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      let report;
      try {
        report = JSON.parse(line);
      } catch {
        return reject(
          new Error(`${contender.name}: cold start exited ${code}\n${stdout}\n${stderr}`),
        );
      }
      if (report.status !== 200) {
        return reject(new Error(`${contender.name}: GET / answered ${report.status}\n${stderr}`));
      }
      resolve(Number(BigInt(report.at) - started) / 1e6);
    });
  });
}

async function measureColdStarts(contenders, runs) {
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let run = 0; run < runs; run++) {
    // Alternate the order so that neither side always follows the other.
    const order = run % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) samples[contender.name].push(await coldStart(contender));
  }
  return samples;
}

// --- warm latency --------------------------------------------------------------------------------
async function freePort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startNextStart() {
  const port = await freePort();
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
      env: { ...process.env, ...LAMBDA_ENV, NODE_ENV: "production" },
      stdio: "ignore",
    },
  );
  const exited = new Promise((resolve) => next.once("exit", resolve));
  const target = { name: "next start", url: `http://127.0.0.1:${port}` };
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      await get(target, "/");
      return { ...target, stop: async () => (next.kill(), await exited) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  next.kill();
  throw new Error("next start did not answer within 30 s");
}

async function startBehindFunctionUrl(name, taskRoot, runtime, env) {
  const { startLambdaInstance, startFunctionUrlServer } = await import("@zonke/lambda-local");
  const instance = await startLambdaInstance({
    taskRoot,
    env: { ...LAMBDA_ENV, ...env },
    memoryMiB: 1536,
    nodePath: [runtime],
  });
  const front = await startFunctionUrlServer({ target: instance, domainName: FUNCTION_URL_HOST });
  return {
    name,
    url: front.url,
    stop: async () => {
      await front.close();
      await instance.stop();
    },
  };
}

/**
 * The child's side of the in-process front end: the handler and the Function URL stand-in in one
 * process, as `next start` serves HTTP from its own, without lambda-local's IPC hop. Prints the URL.
 */
async function inProcessFrontChild(taskRoot) {
  const lambdaLocal = await import("@zonke/lambda-local");
  globalThis.awslambda = lambdaLocal.localAwsLambda;
  process.chdir(taskRoot);
  const { handler } = await import(pathToFileURL(path.join(taskRoot, "index.mjs")).href);
  const context = {
    awsRequestId: "bench",
    functionName: "bench-next",
    getRemainingTimeInMillis: () => 30000,
  };
  const invoke = async (event) => {
    if (!lambdaLocal.isStreamingHandler(handler)) {
      return { type: "buffered", result: await handler(event, context) };
    }
    const { contentType, bytes } = await lambdaLocal.invokeStreaming(handler, event, context);
    return { type: "stream", contentType, payload: bytes };
  };
  const front = await lambdaLocal.startFunctionUrlServer({
    target: { http: async (event) => lambdaLocal.functionUrlAnswer(await invoke(event)) },
    domainName: FUNCTION_URL_HOST,
  });
  process.stdout.write(`${front.url}\n`);
}

async function startInProcessFront(name, taskRoot, runtime, env) {
  const child = spawn(
    process.execPath,
    [import.meta.filename, "--child", "front", "--task", taskRoot],
    {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: taskRoot,
        NODE_PATH: nodePath(runtime, taskRoot),
        ...LAMBDA_ENV,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Kept for an error message only: OpenNext's bundled SDK warns about Node.js 20 on stderr.
  let errors = "";
  child.stderr.on("data", (data) => (errors = `${errors}${data}`.slice(-20_000)));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (data) => {
      out += data;
      const match = /^(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`${name}: front end exited ${code}\n${out}\n${errors}`)),
    );
  });
  return { name, url, stop: async () => (child.kill(), await exited) };
}

const agents = new Map();
/** GET with a keep-alive connection per target; resolves with ms to the last body byte. */
function get(target, urlPath) {
  if (!agents.has(target.url))
    agents.set(target.url, new http.Agent({ keepAlive: true, maxSockets: 1 }));
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get(
      `${target.url}${urlPath}`,
      {
        agent: agents.get(target.url),
        headers: { accept: "text/html", "accept-encoding": "identity" },
      },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk) => (bytes += chunk.length));
        res.on("end", () => {
          if (res.statusCode !== 200)
            reject(new Error(`${target.name}: GET ${urlPath} answered ${res.statusCode}`));
          else resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes });
        });
      },
    );
    req.on("error", reject);
  });
}

async function measureWarm(targets, warmup, requests) {
  for (const target of targets) for (let i = 0; i < warmup; i++) await get(target, "/");
  const samples = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let i = 0; i < requests; i++) {
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) samples[target.name].push((await get(target, "/")).ms);
  }
  return samples;
}

// --- the run -------------------------------------------------------------------------------------
async function main() {
  const coldRuns = Number(values["cold-runs"]);
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  for (const [flag, value] of [
    ["--cold-runs", coldRuns],
    ["--requests", requests],
    ["--warmup", warmup],
  ]) {
    if (!Number.isInteger(value) || value < 1) {
      console.error(`bench: ${flag} must be a whole number >= 1`);
      process.exit(2);
    }
  }
  ensureBuilds();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-bench-next-"));
  const running = [];
  try {
    const functions = await prepareFunctions(work);
    const runtime = runtimeModules(work);
    const sizes = {
      ours: { ...folderSizes(functions.ours.taskRoot), artifactZip: functions.ours.zipBytes },
      openNext: folderSizes(functions.openNext.taskRoot),
    };
    const openNextMode = functions.openNext.origin.streaming ? "stream" : "buffered";

    console.log(`bench: cold starts (${coldRuns} runs each, interleaved)`);
    const cold = await measureColdStarts(
      [
        {
          name: "ours stream",
          taskRoot: functions.ours.taskRoot,
          runtime,
          env: { ZONKE_RESPONSE_MODE: "stream" },
        },
        {
          name: "ours buffered",
          taskRoot: functions.ours.taskRoot,
          runtime,
          env: { ZONKE_RESPONSE_MODE: "buffered" },
        },
        { name: "OpenNext", taskRoot: functions.openNext.taskRoot, runtime, env: OPEN_NEXT_ENV },
      ],
      coldRuns,
    );

    console.log(`bench: warm GET / (${warmup} warm-up, then ${requests} each, interleaved)`);
    const ours = { ZONKE_RESPONSE_MODE: "stream" };
    for (const start of [
      () => startNextStart(),
      () => startInProcessFront("ours", functions.ours.taskRoot, runtime, ours),
      () => startInProcessFront("OpenNext", functions.openNext.taskRoot, runtime, OPEN_NEXT_ENV),
      () => startBehindFunctionUrl("ours, IPC", functions.ours.taskRoot, runtime, ours),
      () =>
        startBehindFunctionUrl(
          "OpenNext, IPC",
          functions.openNext.taskRoot,
          runtime,
          OPEN_NEXT_ENV,
        ),
    ]) {
      running.push(await start());
    }
    const warm = await measureWarm(running, warmup, requests);

    report({
      sizes,
      cold,
      warm,
      openNextMode,
      coldRuns,
      requests,
      warmup,
      packagedInMs: functions.packagedInMs,
    });
  } finally {
    for (const target of running) await target.stop();
    for (const agent of agents.values()) agent.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function report({ sizes, cold, warm, openNextMode, coldRuns, requests, warmup, packagedInMs }) {
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  const ms = (x) => `${x.toFixed(0)} ms`;
  const ms2 = (x) => `${x.toFixed(2)} ms`;
  const medians = (samples) =>
    Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
  const coldMedian = medians(cold);
  const warmMedian = medians(warm);
  const p90 = (name) => ms2(percentile(warm[name], 0.9));

  const ratios = {
    unzipped: sizes.ours.unzipped / sizes.openNext.unzipped,
    zipped: sizes.ours.zipped / sizes.openNext.zipped,
    coldStart: coldMedian["ours stream"] / coldMedian.OpenNext,
    coldStartBuffered: coldMedian["ours buffered"] / coldMedian.OpenNext,
    // The goal: both one process serving HTTP (ours behind the in-process front).
    warm: warmMedian.ours / warmMedian["next start"],
    warmOpenNext: warmMedian.OpenNext / warmMedian["next start"],
    warmVsOpenNext: warmMedian.ours / warmMedian.OpenNext,
    warmIpc: warmMedian["ours, IPC"] / warmMedian["next start"],
    warmOpenNextIpc: warmMedian["OpenNext, IPC"] / warmMedian["next start"],
    warmVsOpenNextIpc: warmMedian["ours, IPC"] / warmMedian["OpenNext, IPC"],
  };
  const goal = (ratio, limit) => `<= ${limit}x: ${ratio <= limit ? "met" : "not met"}`;
  const rows = [
    [
      "bundle, unzipped",
      mb(sizes.ours.unzipped),
      `OpenNext ${mb(sizes.openNext.unzipped)}`,
      ratios.unzipped,
      goal(ratios.unzipped, 0.5),
    ],
    [
      "bundle, zipped (deflate 9)",
      mb(sizes.ours.zipped),
      `OpenNext ${mb(sizes.openNext.zipped)}`,
      ratios.zipped,
      goal(ratios.zipped, 0.5),
    ],
    [
      "bundle, files",
      String(sizes.ours.files),
      `OpenNext ${sizes.openNext.files}`,
      sizes.ours.files / sizes.openNext.files,
      "",
    ],
    [
      `cold start GET / (median of ${coldRuns})`,
      `${ms(coldMedian["ours stream"])} stream, 1st byte`,
      `OpenNext ${ms(coldMedian.OpenNext)} ${openNextMode}, result`,
      ratios.coldStart,
      goal(ratios.coldStart, 0.8),
    ],
    [
      "cold start, both buffered",
      `${ms(coldMedian["ours buffered"])} buffered, result`,
      `OpenNext ${ms(coldMedian.OpenNext)} ${openNextMode}, result`,
      ratios.coldStartBuffered,
      "",
    ],
    [
      `warm GET / (median of ${requests}), front in-process`,
      `${ms2(warmMedian.ours)} (p90 ${p90("ours")})`,
      `next start ${ms2(warmMedian["next start"])} (p90 ${p90("next start")})`,
      ratios.warm,
      goal(ratios.warm, 1.1),
    ],
    [
      "  OpenNext, front in-process",
      `${ms2(warmMedian.OpenNext)} (p90 ${p90("OpenNext")})`,
      `next start ${ms2(warmMedian["next start"])}`,
      ratios.warmOpenNext,
      "",
    ],
    [
      "  ours vs OpenNext, same front in-process",
      `${ms2(warmMedian.ours)}`,
      `OpenNext ${ms2(warmMedian.OpenNext)}`,
      ratios.warmVsOpenNext,
      "",
    ],
    [
      "warm GET /, front + instance (IPC hop)",
      `${ms2(warmMedian["ours, IPC"])} (p90 ${p90("ours, IPC")})`,
      `next start ${ms2(warmMedian["next start"])}`,
      ratios.warmIpc,
      "",
    ],
    [
      "  OpenNext behind the same front",
      `${ms2(warmMedian["OpenNext, IPC"])} (p90 ${p90("OpenNext, IPC")})`,
      `next start ${ms2(warmMedian["next start"])}`,
      ratios.warmOpenNextIpc,
      "",
    ],
    [
      "  ours vs OpenNext, same front + IPC hop",
      `${ms2(warmMedian["ours, IPC"])}`,
      `OpenNext ${ms2(warmMedian["OpenNext, IPC"])}`,
      ratios.warmVsOpenNextIpc,
      "",
    ],
  ].map(([measure, ours, reference, ratio, target]) => [
    measure,
    ours,
    reference,
    `${ratio.toFixed(2)}x`,
    target,
  ]);

  const header = ["measure", "ours", "reference", "ratio", "goal"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  console.log("");
  for (const row of [header, widths.map((w) => "-".repeat(w)), ...rows]) {
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );
  }
  console.log(
    `\nours: zonke-next-package's own zip ${mb(sizes.ours.artifactZip)}, packaged in ${packagedInMs} ms; ` +
      `warm-up ${warmup} requests per server; cold start samples (ms): ours stream ${cold["ours stream"].map((x) => x.toFixed(0)).join(" ")}; ` +
      `OpenNext ${cold.OpenNext.map((x) => x.toFixed(0)).join(" ")}`,
  );

  const results = path.join(root, "bench/results");
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(
    path.join(results, "next.json"),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.availableParallelism(),
        settings: { coldRuns, requests, warmup, openNextMode },
        sizes,
        coldStartMs: { samples: cold, medians: coldMedian },
        warmMs: { samples: warm, medians: warmMedian },
        ratios,
        goals: {
          size: ratios.zipped <= 0.5 && ratios.unzipped <= 0.5,
          coldStart: ratios.coldStart <= 0.8,
          warm: ratios.warm <= 1.1,
        },
        packagedInMs,
      },
      null,
      2,
    )}\n`,
  );
}

if (values.child === "cold") await coldStartChild(values.task);
else if (values.child === "front") await inProcessFrontChild(values.task);
else await main();
