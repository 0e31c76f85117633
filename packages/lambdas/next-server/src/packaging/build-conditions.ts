/**
 * What this build and the adapter fix about the server's runtime, turned into facts the
 * reachability scan can use. Each condition names what it lets the scan leave out (the reason the
 * packager reports) and holds either `defines`, values Node.js will see so that the branches they
 * make dead are not followed, or a `cut`, requires the scan does not follow because the code
 * around them never runs under this condition.
 *
 * - Production: the adapter (src/next-server.ts), like the standalone `server.js`, sets
 *   `NODE_ENV=production` before it requires Next.js. React's and Next.js's `index.js` files pick
 *   their `*.development.js` builds on the other branch.
 * - Next.js's build-time switches: `NEXT_RUNTIME` and `TURBOPACK` are substituted into the
 *   build's own bundles by Next.js (build/define-env.js); the Node.js server never sets them at
 *   runtime (only `next dev` and custom servers set TURBOPACK, in server/next.js createServer).
 *   The `module.compiled.js` switches in node_modules therefore pick the webpack runtimes of the
 *   Node.js branch, and a Turbopack build's runtimes are reached only through its own chunks,
 *   which name them literally.
 * - React's experimental channel: `__NEXT_EXPERIMENTAL_REACT` is a build-time define too, set
 *   when Next.js's own `needsExperimentalReact(config)` is true; applied only when it is false
 *   for this build's config (`.next/required-server-files.json`), so the
 *   `*-experimental.runtime.*` files are left out only then.
 * - No edge functions: Next.js requires its edge sandbox (`next/dist/server/web/sandbox`, which
 *   loads the edge-runtime VM and its primitives) only to run edge middleware or an edge function
 *   (NextNodeServer.runMiddleware / runEdgeFunction). Applied only when
 *   `.next/server/middleware-manifest.json` lists no middleware and no functions and
 *   `functions-config-manifest.json` has no `runtime: "edge"` entry.
 * - Dev server: the router server requires its telemetry store (which loads the edge-runtime
 *   primitives as a fetch ponyfill) only `if (opts.dev)`; the adapter and `server.js` start it
 *   with `dev: false`.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type { Defines } from "./module-scan";

export interface Condition {
  /** What it leaves out, for the packaging report. */
  readonly reason: string;
  readonly defines?: Defines;
  readonly cut?: Cut;
}

/**
 * Requires of files under `target` (inside package `packageName`) that the scan does not follow,
 * when written in one of `reviewedImporters` (same package). A require of `target` from any other
 * file is followed as usual, so a Next.js release that adds one keeps the files.
 */
export interface Cut {
  readonly packageName: string;
  readonly target: string;
  readonly reviewedImporters: readonly string[];
}

export interface BuildConditions {
  readonly applied: readonly Condition[];
  /** Conditions that do not hold for this build, with why (for the report). */
  readonly notApplied: readonly string[];
}

const PRODUCTION: Condition = {
  reason: "development builds (NODE_ENV is production)",
  defines: { "process.env.NODE_ENV": '"production"' },
};

const BUILD_TIME_SWITCHES: Condition = {
  reason: "Next.js build-time switches (NEXT_RUNTIME and TURBOPACK are unset at runtime)",
  defines: { "process.env.NEXT_RUNTIME": "undefined", "process.env.TURBOPACK": "undefined" },
};

const STABLE_REACT: Condition = {
  reason: "React's experimental channel (this build's config does not use it)",
  defines: { "process.env.__NEXT_EXPERIMENTAL_REACT": "undefined" },
};

const NO_EDGE_FUNCTIONS: Condition = {
  reason: "edge runtime sandbox (this build has no edge middleware or functions)",
  cut: {
    packageName: "next",
    target: "dist/server/web/sandbox/",
    reviewedImporters: [
      // runMiddleware, for middleware not on the Node.js runtime, and runEdgeFunction.
      "dist/server/next-server.js",
      // Build-time page analysis; only build/swc/options.js requires it, which swc loads lazily
      // to parse source code, which the server never does.
      "dist/build/utils.js",
    ],
  },
};

const NOT_DEV: Condition = {
  reason: "dev server telemetry (the server starts with dev: false)",
  cut: {
    packageName: "next",
    target: "dist/telemetry/storage.js",
    reviewedImporters: ["dist/server/lib/router-server.js"],
  },
};

/**
 * Reads the conditions that hold for the app at `appPath` in the package written to `root` (its
 * `.next` manifests and config).
 */
export function readBuildConditions(
  root: string,
  appPath: string,
  readJson: (file: string) => unknown,
): BuildConditions {
  // Narrow conditions first: each is reported with what it alone leaves out, before the broad
  // build-time switches, which would also reach some of it (module.compiled.js picks no
  // Turbopack runtime at all with TURBOPACK unset).
  const applied: Condition[] = [PRODUCTION];
  const notApplied: string[] = [];
  const inApp = (file: string) => (appPath === "." ? file : `${appPath}/${file}`);

  const experimental = needsExperimentalReact(
    root,
    inApp("server.js"),
    readJson(inApp(".next/required-server-files.json")),
  );
  if (experimental === false) applied.push(STABLE_REACT);
  else notApplied.push(`kept React's experimental channel: ${experimental}`);

  const edge = edgeFunctions(
    readJson(inApp(".next/server/middleware-manifest.json")),
    readJson(inApp(".next/server/functions-config-manifest.json")),
  );
  if (edge.length === 0) applied.push(NO_EDGE_FUNCTIONS);
  else notApplied.push(`kept the edge runtime: ${edge.join(", ")}`);

  applied.push(NOT_DEV, BUILD_TIME_SWITCHES);
  return { applied, notApplied };
}

/** false, or why the experimental channel may be in use. */
function needsExperimentalReact(
  root: string,
  serverJs: string,
  serverFiles: unknown,
): false | string {
  const config = (serverFiles as { config?: unknown } | undefined)?.config;
  if (typeof config !== "object" || config === null) {
    return "no config in required-server-files.json";
  }
  let predicate: unknown;
  try {
    // The build's own Next.js decides, so the rule follows its version's list of flags.
    predicate = (
      createRequire(path.join(root, serverJs))("next/dist/lib/needs-experimental-react") as {
        needsExperimentalReact?: unknown;
      }
    ).needsExperimentalReact;
  } catch {
    return "this Next.js has no next/dist/lib/needs-experimental-react";
  }
  if (typeof predicate !== "function") return "needsExperimentalReact is not a function";
  return predicate(config) ? "the config enables it" : false;
}

/** The build's edge middleware and functions (`edge middleware /`), or why it may have some. */
function edgeFunctions(middlewareManifest: unknown, functionsConfig: unknown): string[] {
  if (typeof middlewareManifest !== "object" || middlewareManifest === null) {
    return ["no readable .next/server/middleware-manifest.json"];
  }
  const { middleware, functions } = middlewareManifest as {
    middleware?: Record<string, unknown>;
    functions?: Record<string, unknown>;
  };
  const names = [
    ...Object.keys(middleware ?? {}).map((name) => `edge middleware ${name}`),
    ...Object.keys(functions ?? {}).map((name) => `edge function ${name}`),
  ];
  const configured = (functionsConfig as { functions?: Record<string, { runtime?: unknown }> })
    ?.functions;
  for (const [name, entry] of Object.entries(configured ?? {})) {
    if (entry?.runtime === "edge") names.push(`edge function ${name}`);
  }
  return names;
}
