/**
 * Starts the app's standalone Next.js server in this process, the way its generated `server.js`
 * does, minus the listening socket:
 *
 * - `NODE_ENV=production`, the build's config in `__NEXT_PRIVATE_STANDALONE_CONFIG` (from
 *   `.next/required-server-files.json`, the same object `server.js` embeds), `chdir` to the app;
 * - Next.js is required from the app's own traced `node_modules`, never bundled into the adapter;
 * - `initialize()` of Next.js's router server (`next/dist/server/lib/router-server`), which is
 *   what `server.js` reaches through `startServer`: in non-minimal mode it is the router server,
 *   not `NextServer` alone, that runs the proxy (middleware), redirects, rewrites, headers and the
 *   404 page before rendering with `NextServer`. Its `requestHandler(req, res)` is a plain Node
 *   request listener.
 *
 * A few modules Next.js requires at startup only to build or develop are loaded when first used
 * (./deferred-modules.ts).
 *
 * Two changes to the build's config:
 *
 * - `experimental.isrFlushToDisk` is off. The package directory is read-only on Lambda, so ISR and
 *   fetch-cache entries stay in this instance's memory (`cacheMaxMemorySize`) instead of failing
 *   to be written to `.next/`.
 * - `experimental.preloadEntriesOnStart` is off at init, and the preload runs later, when the
 *   warmer's event asks for it (`preloadEntries()`). Preloading at init (Next.js's default) loads
 *   every route's modules before the first request; on a cold start that is time spent on routes
 *   the request does not need. A warm event is held for its delay anyway, so an instance the
 *   warmer keeps loads them there, and serves any route as fast as a preloaded `next start`. The
 *   handle is Next.js's own `NextNodeServer.unstable_preloadEntries()`, reached through the render
 *   server's `propagateServerField` (what Next.js's dev bundler uses to call the server). An app
 *   whose config turns preloading off is never preloaded.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { deferNextModules, type InstalledDeferral } from "./deferred-modules";
import type { NodeRequestHandler } from "./serve";

/** Written by the packager next to the handler: where the app sits in the package. */
export const PACKAGE_MANIFEST = "zonke-next.json";

export interface PackageManifest {
  /** The app's directory relative to the package root, e.g. `apps/web` (`.` for a lone app). */
  readonly appDir: string;
}

export class NextStartError extends Error {
  override readonly name = "NextStartError";
}

/** Reads the packager's manifest in `taskRoot` and returns the app's absolute directory. */
export function appDirectory(taskRoot: string): string {
  const file = path.join(taskRoot, PACKAGE_MANIFEST);
  let manifest: Partial<PackageManifest>;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8")) as Partial<PackageManifest>;
  } catch (error) {
    throw new NextStartError(
      `cannot read ${file} (${(error as Error).message}): package the app with zonke-next-package`,
    );
  }
  if (typeof manifest.appDir !== "string" || path.isAbsolute(manifest.appDir)) {
    throw new NextStartError(`${file} has no relative appDir`);
  }
  return path.resolve(taskRoot, manifest.appDir);
}

interface RouterServer {
  initialize(options: {
    dir: string;
    port: number;
    hostname: string;
    dev: boolean;
    minimalMode: boolean;
  }): Promise<{ requestHandler: NodeRequestHandler }>;
}

/** `next/dist/server/lib/render-server`: the module that holds the router server's NextServer. */
interface RenderServer {
  getServerField(dir: string, field: string): Promise<unknown>;
  propagateServerField(dir: string, field: string, args: unknown[]): Promise<void>;
}

/** When this instance loads every route's modules. */
export type Preloading =
  /** At the first warm event (the default). */
  | "warm"
  /** Never: the app's config turns `experimental.preloadEntriesOnStart` off. */
  | "off"
  /** Never: this Next.js has no `unstable_preloadEntries()` (it was reviewed for 16.4). */
  | "unavailable";

export interface NextServerHandle {
  /** Next.js's request handler: the router server's `requestHandler`. */
  readonly handler: NodeRequestHandler;
  /** The startup modules loaded on first use (./deferred-modules.ts); undefined: none. */
  readonly deferred: InstalledDeferral | undefined;
  readonly preloading: Preloading;
  /**
   * Loads every route's modules, once per instance; later calls share the first. Resolves when
   * they are loaded, at once when `preloading` is `off`. Rejects only when Next.js's preload
   * itself fails (it ignores a route that fails to load, as at init).
   */
  preloadEntries(): Promise<void>;
}

/** Loads and initialises Next.js; resolves with its request handler and the preload. */
export async function startNextServer(appDir: string): Promise<NextServerHandle> {
  const config = readBuildConfig(appDir);
  const experimental = (config["experimental"] ?? {}) as Record<string, unknown>;
  // Next.js's default is true; an app may turn it off.
  const configured = experimental["preloadEntriesOnStart"] !== false;
  process.env["NODE_ENV"] = "production";
  process.env["__NEXT_PRIVATE_STANDALONE_CONFIG"] = JSON.stringify({
    ...config,
    experimental: { ...experimental, isrFlushToDisk: false, preloadEntriesOnStart: false },
  });
  process.chdir(appDir);
  const deferred = deferNextModules(appDir);
  const requireFromApp = createRequire(path.join(appDir, "server.js"));
  requireFromApp("next"); // as server.js does: installs Next.js's require hooks first
  const routerServer = requireFromApp("next/dist/server/lib/router-server") as RouterServer;
  // Nothing listens: the host and port only appear in URLs Next.js builds for the proxy
  // (request.url), and Next.js turns redirects to that origin back into relative ones.
  const { requestHandler } = await routerServer.initialize({
    dir: appDir,
    port: 3000,
    hostname: "localhost",
    dev: false,
    minimalMode: false,
  });
  // Loaded by the router server already; the same module instance holds its NextServer.
  const renderServer = requireFromApp("next/dist/server/lib/render-server") as RenderServer;
  const preloading = !configured
    ? "off"
    : typeof (await renderServer.getServerField(appDir, PRELOAD_METHOD)) === "function"
      ? "warm"
      : "unavailable";
  let preloaded: Promise<void> | undefined;
  return {
    handler: requestHandler,
    deferred,
    preloading,
    preloadEntries() {
      if (preloading !== "warm") return Promise.resolve();
      preloaded ??= renderServer.propagateServerField(appDir, PRELOAD_METHOD, []);
      return preloaded;
    },
  };
}

const PRELOAD_METHOD = "unstable_preloadEntries";

function readBuildConfig(appDir: string): Record<string, unknown> {
  const file = path.join(appDir, ".next", "required-server-files.json");
  let parsed: { config?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as { config?: unknown };
  } catch (error) {
    throw new NextStartError(
      `cannot read ${file} (${(error as Error).message}): is this a standalone Next.js build?`,
    );
  }
  if (typeof parsed.config !== "object" || parsed.config === null) {
    throw new NextStartError(`${file} has no config`);
  }
  return parsed.config as Record<string, unknown>;
}
