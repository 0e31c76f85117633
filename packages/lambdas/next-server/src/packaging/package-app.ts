/**
 * Packages a built Next.js app for the server Lambda: the standalone build's traced files, minus
 * what ./select.ts leaves out by name and what ./trim.ts finds the server can never load, with
 * their JavaScript minified (./minify.ts), plus, at the root, the bundled adapter as `index.mjs`
 * (handler `index.handler`), `zonke-next.json`, which tells the adapter where the app sits, and
 * `zonke-require-index.json`, where the relative requires of the files lead (./require-index.ts;
 * only when the files were trimmed, which is what resolves them).
 *
 * The zip is deterministic (sorted entries, fixed times and modes: the same build gives the same
 * sha256) and is written by the shared `writeLambdaArtifact`, passed in by the CLI because it is
 * an ES module of its own. The unzipped size is checked first against `limits`, with the largest
 * files in the message, since that is the limit Next.js apps run into.
 */
import * as path from "node:path";
import { collectFiles } from "./collect";
import { PackagingError } from "./errors";
import { minifyJavaScript, type MinifyResult } from "./minify";
import { formatLargest, largestFiles, mib, size, totalBytes } from "./report";
import { REQUIRE_INDEX_FILE } from "./require-index";
import { exclusionReason } from "./select";
import { locateStandalone } from "./standalone";
import { trimUnreachable } from "./trim";

export type Architecture = "arm64" | "x86_64";

/** What @zonke/lambda-build's writeLambdaArtifact takes and returns (the parts used here). */
export type WriteArtifact = (options: {
  name: string;
  files: Map<string, Uint8Array>;
  outDir: string;
  architecture: Architecture;
  handler: string;
  runtime: string;
  log?: (line: string) => void;
}) => { zipFile: string; sha256: string; zipBytes: number; unzippedBytes: number };

export interface PackageOptions {
  /** The Next.js app's directory (where `next build` ran). */
  readonly appDir: string;
  readonly architecture: Architecture;
  readonly outDir: string;
  /** The bundled adapter (dist/adapter.mjs). */
  readonly adapter: Uint8Array;
  /** Checked before zipping; Lambda's own limit is 250 MiB unzipped. */
  readonly maxUnzippedBytes: number;
  readonly writeArtifact: WriteArtifact;
  readonly log?: (line: string) => void;
  /**
   * Leave out the files of Next.js and React that nothing the server runs can load (./trim.ts).
   * @default true
   */
  readonly trim?: boolean;
  /**
   * Take whitespace and comments out of the JavaScript (./minify.ts).
   * @default true
   */
  readonly minify?: boolean;
}

export interface PackageResult {
  readonly zipFile: string;
  readonly sha256: string;
  readonly zipBytes: number;
  readonly unzippedBytes: number;
  readonly fileCount: number;
  readonly largest: ReadonlyArray<{ path: string; bytes: number }>;
  /** What was left out, by reason, in the order the packager printed it. */
  readonly leftOut: ReadonlyArray<{ reason: string; files: number; bytes: number }>;
  readonly minified: MinifyResult;
}

export const RUNTIME = "nodejs22.x";
export const HANDLER = "index.handler";
export const ZIP_NAME = "next-server";
const LARGEST_SHOWN = 10;

export function packageNextApp(options: PackageOptions): PackageResult {
  const log = options.log ?? (() => {});
  const appDir = path.resolve(options.appDir);
  const standalone = locateStandalone(appDir);
  const { files: appFiles, excluded } = collectFiles(standalone.root, (relative) =>
    exclusionReason(relative, standalone.appPath),
  );
  const trimmed =
    options.trim === false
      ? { leftOut: new Map(), notes: [], requireIndex: undefined }
      : trimUnreachable(appFiles, standalone.appPath);
  for (const [reason, total] of trimmed.leftOut) excluded.set(reason, total);
  const minified =
    options.minify === false ? { files: 0, savedBytes: 0 } : minifyJavaScript(appFiles);

  const files = new Map<string, Uint8Array>([
    ["index.mjs", options.adapter],
    ["zonke-next.json", Buffer.from(`${JSON.stringify({ appDir: standalone.appPath })}\n`)],
  ]);
  if (trimmed.requireIndex) {
    files.set(REQUIRE_INDEX_FILE, Buffer.from(`${JSON.stringify(trimmed.requireIndex)}\n`));
  }
  for (const [relative, bytes] of appFiles) {
    if (files.has(relative)) {
      throw new PackagingError(
        `the standalone build has its own ${relative}, which the package root needs for the adapter`,
      );
    }
    files.set(relative, bytes);
  }

  log(`app ${standalone.appPath} from ${standalone.root}`);
  for (const [reason, { files: count, bytes }] of excluded) {
    log(`left out ${count} files (${size(bytes)}): ${reason}`);
  }
  for (const note of trimmed.notes) log(note);
  if (minified.files > 0) {
    log(`minified ${minified.files} JavaScript files (${size(minified.savedBytes)} less)`);
  }
  const largest = largestFiles(files, LARGEST_SHOWN);
  const unzippedBytes = totalBytes(files);
  if (unzippedBytes > options.maxUnzippedBytes) {
    throw new PackagingError(
      [
        `the package is ${mib(unzippedBytes)} unzipped, over the limit of ${mib(options.maxUnzippedBytes)} (Lambda's limit for a zip's unpacked code is 250 MiB). Largest files:`,
        ...formatLargest(largest),
        "Leave files out of the trace with outputFileTracingExcludes in next.config, or move large dependencies out of the server.",
      ].join("\n"),
    );
  }

  let written: ReturnType<WriteArtifact>;
  try {
    written = options.writeArtifact({
      name: ZIP_NAME,
      files,
      outDir: options.outDir,
      architecture: options.architecture,
      handler: HANDLER,
      runtime: RUNTIME,
      log,
    });
  } catch (error) {
    // writeLambdaArtifact refuses a zip over Lambda's 50 MiB: say what takes the room.
    const message = error instanceof Error ? error.message : String(error);
    throw new PackagingError([`${message}. Largest files:`, ...formatLargest(largest)].join("\n"), {
      cause: error,
    });
  }
  log(`largest of ${files.size} files:`);
  for (const line of formatLargest(largest)) log(line);
  return {
    ...written,
    fileCount: files.size,
    largest,
    leftOut: [...excluded].map(([reason, total]) => ({ reason, ...total })),
    minified,
  };
}
