/**
 * The Lambda entry (`index.handler`: this file bundled as `index.mjs` at the package root; ESM for
 * the top-level await). Everything here runs once
 * per execution environment, at init, in this order:
 *
 * 1. the response mode (`ZONKE_RESPONSE_MODE`, stream by default);
 * 2. secrets from Secrets Manager into `process.env` (`ZONKE_SECRET_ARNS`), before the app is
 *    imported, so that module-level reads in the app see them;
 * 3. the package's require index (./require-index.ts), which answers Next.js's relative requires
 *    without asking the file system;
 * 4. Next.js, started in this process (top-level await: Lambda finishes init before the first
 *    event, and a warm event finds the instance ready). Every route's modules are loaded at the
 *    first warm event, not here (./next-server.ts).
 *
 * Any failure here fails the init loudly, with one JSON log line that says why.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { loadSecrets } from "@zonke/lambda-runtime";
import { createAdapter } from "./adapter.js";
import { awsLambdaGlobal } from "./lambda-runtime-global.js";
import { errorFields, logLine } from "./log.js";
import { appDirectory, startNextServer } from "./next-server.js";
import { installRequireIndex } from "./require-index.js";
import { responseMode } from "./response-mode.js";

const taskRoot = path.dirname(fileURLToPath(import.meta.url));

async function init() {
  const started = performance.now();
  const mode = responseMode(process.env["ZONKE_RESPONSE_MODE"]);
  const runtime = awsLambdaGlobal();
  if (mode === "stream" && !runtime) {
    throw new Error(
      "ZONKE_RESPONSE_MODE=stream needs the Lambda Node.js runtime's awslambda global; use buffered elsewhere",
    );
  }
  const secrets = await loadSecrets();
  const requireIndex = installRequireIndex(taskRoot);
  const next = await startNextServer(appDirectory(taskRoot));
  const adapter = createAdapter({
    handler: next.handler,
    runtime,
    warmUp: () => next.preloadEntries(),
  });
  if (next.preloading === "unavailable") {
    logLine("warn", "routes are never preloaded", {
      reason: "this Next.js has no NextNodeServer.unstable_preloadEntries() (reviewed: 16.4)",
    });
  }
  logLine("info", "next server ready", {
    mode,
    preloading: next.preloading,
    secrets: secrets.secretCount,
    secretVariables: secrets.applied,
    keptVariables: secrets.kept,
    requireIndex: requireIndex ? { ...requireIndex.stats } : "none",
    deferredModules: next.deferred
      ? { count: next.deferred.files.length, loaded: next.deferred.loaded().length }
      : "none",
    initMs: Math.round(performance.now() - started),
  });
  return mode === "stream" && runtime
    ? runtime.streamifyResponse(adapter.streaming)
    : adapter.buffered;
}

export const handler = await init().catch((error: unknown) => {
  logLine("error", "next server failed to start", errorFields(error));
  throw error;
});
