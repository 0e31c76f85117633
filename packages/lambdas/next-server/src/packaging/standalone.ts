/**
 * Finds an app's standalone build: `<app>/.next/standalone` holds the traced server, rooted at
 * the build's file-tracing root (the monorepo root), so the app sits at a relative path inside it
 * (`apps/web/server.js`) with the hoisted `node_modules/` beside it.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PackagingError } from "./errors";

export interface StandaloneBuild {
  /** `<app>/.next/standalone`, absolute. */
  readonly root: string;
  /** The app's directory inside it, relative with `/` separators (`.` when it is the root). */
  readonly appPath: string;
}

export function locateStandalone(appDir: string): StandaloneBuild {
  const root = path.join(appDir, ".next", "standalone");
  if (!existsSync(root)) {
    throw new PackagingError(
      `${root} does not exist: run next build with output: 'standalone' in next.config (in ${appDir})`,
    );
  }
  const serverFilesPath = path.join(appDir, ".next", "required-server-files.json");
  let serverFiles: {
    relativeAppDir?: unknown;
    appDir?: unknown;
    config?: { outputFileTracingRoot?: unknown };
  };
  try {
    serverFiles = JSON.parse(readFileSync(serverFilesPath, "utf8"));
  } catch (error) {
    throw new PackagingError(
      `cannot read ${serverFilesPath} (${(error as Error).message}): run next build again`,
    );
  }
  const appPath = appPathInStandalone(serverFiles);
  const serverJs = path.join(root, appPath, "server.js");
  if (!existsSync(serverJs)) {
    throw new PackagingError(
      `${serverJs} does not exist: the standalone build looks incomplete; run next build again`,
    );
  }
  return { root, appPath: appPath === "" ? "." : appPath.split(path.sep).join("/") };
}

/** Next.js 15+ writes relativeAppDir; older builds give the absolute dirs it derives from. */
function appPathInStandalone(serverFiles: {
  relativeAppDir?: unknown;
  appDir?: unknown;
  config?: { outputFileTracingRoot?: unknown };
}): string {
  if (typeof serverFiles.relativeAppDir === "string") return serverFiles.relativeAppDir;
  const tracingRoot = serverFiles.config?.outputFileTracingRoot;
  if (typeof serverFiles.appDir === "string" && typeof tracingRoot === "string") {
    return path.relative(tracingRoot, serverFiles.appDir);
  }
  throw new PackagingError(
    "required-server-files.json says neither relativeAppDir nor appDir: unsupported Next.js version",
  );
}
