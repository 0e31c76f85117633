/**
 * Finds an app's standalone build: `<app>/.next/standalone` holds the traced server, rooted at
 * the build's file-tracing root (the monorepo root), so the app sits at a relative path inside it
 * (`apps/web/server.js`) with the hoisted `node_modules/` beside it. The same reading as the
 * Lambda packager's (`@zonke/next-server`, src/packaging/standalone.ts).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { ImageError, UsageError } from "./errors";

export interface StandaloneBuild {
  /** `<app>/.next/standalone`, absolute. */
  readonly root: string;
  /** The app's directory inside it, relative with `/` separators (`.` when it is the root). */
  readonly appPath: string;
}

export function locateStandalone(appDir: string): StandaloneBuild {
  if (!existsSync(appDir) || !statSync(appDir).isDirectory()) {
    throw new UsageError(`--app ${appDir}: not a directory`);
  }
  const root = path.join(appDir, ".next", "standalone");
  if (!existsSync(root)) {
    const built = existsSync(path.join(appDir, ".next", "BUILD_ID"));
    throw new UsageError(
      built
        ? `${root} does not exist: the app was built without output: "standalone"; set it in next.config and run next build again (in ${appDir})`
        : `${root} does not exist: the app is not built; run next build in ${appDir} (next.config needs output: "standalone")`,
    );
  }
  const serverFilesPath = path.join(appDir, ".next", "required-server-files.json");
  let serverFiles: ServerFiles;
  try {
    serverFiles = JSON.parse(readFileSync(serverFilesPath, "utf8")) as ServerFiles;
  } catch (error) {
    throw new UsageError(
      `cannot read ${serverFilesPath} (${(error as Error).message}): run next build again in ${appDir}`,
    );
  }
  const appPath = appPathInStandalone(serverFiles);
  if (appPath.startsWith("..") || path.isAbsolute(appPath)) {
    throw new ImageError(
      `the app's directory (${appPath}) is outside the build's file-tracing root: set outputFileTracingRoot in next.config to a directory that holds the app`,
    );
  }
  const serverJs = path.join(root, appPath, "server.js");
  if (!existsSync(serverJs)) {
    throw new UsageError(
      `${serverJs} does not exist: the standalone build looks incomplete; run next build again in ${appDir}`,
    );
  }
  return { root, appPath: appPath === "" ? "." : appPath.split(path.sep).join("/") };
}

interface ServerFiles {
  relativeAppDir?: unknown;
  appDir?: unknown;
  config?: { outputFileTracingRoot?: unknown };
}

/** Next.js 15+ writes relativeAppDir; older builds give the absolute dirs it derives from. */
function appPathInStandalone(serverFiles: ServerFiles): string {
  if (typeof serverFiles.relativeAppDir === "string") return serverFiles.relativeAppDir;
  const tracingRoot = serverFiles.config?.outputFileTracingRoot;
  if (typeof serverFiles.appDir === "string" && typeof tracingRoot === "string") {
    return path.relative(tracingRoot, serverFiles.appDir);
  }
  throw new ImageError(
    "required-server-files.json says neither relativeAppDir nor appDir: unsupported Next.js version",
  );
}
