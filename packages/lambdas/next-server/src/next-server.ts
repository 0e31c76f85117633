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
 * One change to the build's config: `experimental.isrFlushToDisk` is off. The package directory
 * is read-only on Lambda, so ISR and fetch-cache entries stay in this instance's memory
 * (`cacheMaxMemorySize`) instead of failing to be written to `.next/`.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
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

/** Loads and initialises Next.js; resolves with its request handler. */
export async function startNextServer(appDir: string): Promise<NodeRequestHandler> {
  const config = readBuildConfig(appDir);
  process.env["NODE_ENV"] = "production";
  process.env["__NEXT_PRIVATE_STANDALONE_CONFIG"] = JSON.stringify({
    ...config,
    experimental: { ...(config["experimental"] as object | undefined), isrFlushToDisk: false },
  });
  process.chdir(appDir);
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
  return requestHandler;
}

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
