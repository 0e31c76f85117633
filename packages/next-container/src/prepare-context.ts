/**
 * Assembles the build context of a Next.js app's image from its standalone output:
 *
 *   <context>/Dockerfile   the package's Dockerfile, with `ARG APP_PATH=<the app's path>`
 *   <context>/app/...      the traced standalone tree, without what the image must not hold
 *
 * Left out, each for a reason the summary reports (the same rules as the Lambda packager's
 * `src/packaging/select.ts` in `@zonke/next-server`, which the two deployments share):
 *
 * - the app's `.next/static` and `public/`, if they were copied in: CloudFront serves them from
 *   the S3 assets bucket (`zonke-assets upload`), so the server's file routes answer 404;
 * - sharp and `@img/*`: CloudFront sends `/_next/image` to the image-optimiser Lambda, and Next.js
 *   only loads sharp for that route (its binaries are also the build machine's platform's);
 * - `.next/cache`, source maps, TypeScript declarations, the build's file traces
 *   (`.next/**\/*.nft.json`), READMEs and changelogs in `node_modules`: never read by the server.
 *
 * Refused, and named in the summary: `.env` and `.env.*` (next build copies `.env` and
 * `.env.production` into the standalone tree) and `.npmrc`. They may hold secrets, and an image
 * is pushed to a registry: variables come from the task definition, secrets from Secrets Manager.
 *
 * One change to the build's config, in `server.js` and `.next/required-server-files.json`:
 * `experimental.isrFlushToDisk` is off, as the Lambda adapter sets it. With it on, Next.js 16
 * writes ISR and fetch-cache entries, and copies of prerendered pages it serves
 * (`.next/server/route-cache/`), into `.next/server` and `.next/cache` inside the app; on a
 * read-only root file system each write fails. Off, those entries stay in the task's memory
 * (`cacheMaxMemorySize`, 50 MB by default) and the server writes nothing to disk.
 *
 * Files are copied with mode 0644 (0755 when the source is executable) and directories 0755,
 * whatever the build machine's umask was, and keep their modification times.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  readlinkSync,
  rmdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { ImageError, UsageError } from "./errors";
import { locateStandalone } from "./standalone";

/** The Dockerfile template next to `src/` and `dist/`. */
export const DOCKERFILE_TEMPLATE = path.join(__dirname, "..", "Dockerfile");

export interface PrepareContextOptions {
  /** The app's directory, where `next build` ran (`output: "standalone"`). */
  readonly appDir: string;
  /** Where the context goes: an empty directory, or one that does not exist yet. */
  readonly contextDir: string;
  /**
   * The Dockerfile template.
   * @default - this package's Dockerfile
   */
  readonly dockerfile?: string;
}

export interface LeftOut {
  readonly reason: string;
  readonly files: number;
  readonly bytes: number;
}

export interface PreparedContext {
  readonly contextDir: string;
  /** The app's directory inside the standalone tree (`apps/web`), `/` separators. */
  readonly appPath: string;
  /** Every file of the context (`Dockerfile`, `app/...`), relative with `/`, sorted. */
  readonly files: readonly string[];
  /** Bytes of the files under `app/`. */
  readonly bytes: number;
  readonly leftOut: readonly LeftOut[];
  /** Environment and credential files that were not copied (paths in the standalone tree). */
  readonly refused: readonly string[];
  /** Native addons (`*.node`) in the context: built for the build machine's platform. */
  readonly nativeAddons: readonly string[];
}

type Rule = readonly [reason: string, matches: (file: string, appPath: string) => boolean];

const RULES: readonly Rule[] = [
  [
    "static assets (.next/static, public/: served from S3)",
    (p, app) => under(p, app, ".next/static/") || under(p, app, "public/"),
  ],
  [
    "sharp and @img (/_next/image is the image optimiser's)",
    (p) => /(?:^|\/)node_modules\/(?:sharp|@img)\//.test(p),
  ],
  ["build caches (.next/cache)", (p) => /(?:^|\/)\.next\/cache\//.test(p)],
  ["source maps", (p) => p.endsWith(".map")],
  ["TypeScript declarations", (p) => /\.d\.[cm]?ts$/.test(p)],
  [
    "file traces of the build (.next/**/*.nft.json)",
    (p) => /(?:^|\/)\.next\/.*\.nft\.json$/.test(p),
  ],
  [
    "READMEs and changelogs",
    (p) =>
      /(?:^|\/)node_modules\/.*\/(?:readme|changelog|history)(?:\.(?:md|markdown|txt|rst))?$/i.test(
        p,
      ),
  ],
];

/** Why a file (path relative to the standalone root, `/` separators) is left out, or undefined. */
export function exclusionReason(file: string, appPath: string): string | undefined {
  for (const [reason, matches] of RULES) if (matches(file, appPath)) return reason;
  return undefined;
}

/** True for files that may hold secrets and never go into an image (`.env*`, `.npmrc`). */
export function isRefused(file: string): boolean {
  const name = file.slice(file.lastIndexOf("/") + 1);
  return /^\.env(?:\..*)?$/.test(name) || name === ".npmrc";
}

function under(file: string, appPath: string, prefix: string): boolean {
  return file.startsWith(appPath === "." ? prefix : `${appPath}/${prefix}`);
}

export function prepareContext(options: PrepareContextOptions): PreparedContext {
  const appDir = path.resolve(options.appDir);
  const contextDir = path.resolve(options.contextDir);
  const { root, appPath } = locateStandalone(appDir);
  if (
    existsSync(contextDir) &&
    (!statSync(contextDir).isDirectory() || readdirSync(contextDir).length > 0)
  ) {
    throw new UsageError(`${contextDir}: the context directory must be empty or not exist`);
  }
  const template = options.dockerfile ?? DOCKERFILE_TEMPLATE;

  const appOut = path.join(contextDir, "app");
  makeDir(contextDir);
  makeDir(appOut);
  const leftOut = new Map<string, { files: number; bytes: number }>();
  const refused: string[] = [];
  const nativeAddons: string[] = [];
  const copied: string[] = [];
  let bytes = 0;
  const realRoot = realpathSync(root);

  const walk = (relDir: string): void => {
    const entries = readdirSync(path.join(root, relDir), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const rel = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      const source = path.join(root, rel);
      const target = path.join(appOut, rel);
      if (entry.isSymbolicLink()) {
        copySymlink(source, target, rel, realRoot);
        copied.push(rel);
        continue;
      }
      if (entry.isDirectory()) {
        makeDir(target);
        walk(rel);
        continue;
      }
      if (!entry.isFile()) {
        throw new ImageError(`${source} is not a file, directory or link; the image copies files`);
      }
      const stats = lstatSync(source);
      if (isRefused(rel)) {
        refused.push(rel);
        continue;
      }
      const reason = exclusionReason(rel, appPath);
      if (reason !== undefined) {
        const sum = leftOut.get(reason) ?? { files: 0, bytes: 0 };
        leftOut.set(reason, { files: sum.files + 1, bytes: sum.bytes + stats.size });
        continue;
      }
      copyFileSync(source, target);
      chmodSync(target, stats.mode & 0o111 ? 0o755 : 0o644);
      utimesSync(target, stats.atime, stats.mtime);
      copied.push(rel);
      bytes += stats.size;
      if (rel.endsWith(".node")) nativeAddons.push(rel);
    }
  };
  walk("");
  removeEmptyDirs(appOut);

  const appOutDir = path.join(appOut, appPath);
  disableIsrFlushToDisk(
    path.join(appOutDir, "server.js"),
    path.join(appOutDir, ".next", "required-server-files.json"),
  );

  const dockerfile = path.join(contextDir, "Dockerfile");
  writeFileSync(dockerfile, renderDockerfile(readFileSync(template, "utf8"), appPath));
  chmodSync(dockerfile, 0o644);

  return {
    contextDir,
    appPath,
    files: ["Dockerfile", ...copied.map((rel) => `app/${rel}`)].sort(),
    bytes,
    leftOut: [...leftOut].map(([reason, sum]) => ({ reason, ...sum })),
    refused,
    nativeAddons,
  };
}

/** The Dockerfile with the app's path as `ARG APP_PATH`'s default (the template has none). */
export function renderDockerfile(template: string, appPath: string): string {
  const line = /^ARG APP_PATH[ \t]*$/gm;
  const count = template.match(line)?.length ?? 0;
  if (count !== 1) {
    throw new ImageError(
      `the Dockerfile template must have exactly one line "ARG APP_PATH" (found ${count})`,
    );
  }
  if (
    !/^[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*$/.test(appPath) ||
    appPath.split("/").includes("..")
  ) {
    throw new ImageError(
      `the app's path in the standalone tree, "${appPath}", cannot be a WORKDIR (letters, digits, . _ @ + - and /)`,
    );
  }
  return template.replace(line, `ARG APP_PATH=${appPath}`);
}

/**
 * Turns `experimental.isrFlushToDisk` off in the copied `server.js` (its `const nextConfig = {...}`
 * line, which it passes to Next.js) and in `required-server-files.json` (the config Next.js's
 * route modules fall back to). Fails when `server.js` has no such line.
 */
export function disableIsrFlushToDisk(serverJs: string, requiredServerFiles: string): void {
  const source = readFileSync(serverJs, "utf8");
  const pattern = /^const nextConfig = (.*)$/m;
  const match = pattern.exec(source);
  let config: { experimental?: Record<string, unknown> } | undefined;
  try {
    config = match ? JSON.parse(match[1] as string) : undefined;
  } catch {
    config = undefined;
  }
  if (!config || typeof config !== "object") {
    throw new ImageError(
      `${serverJs} has no "const nextConfig = {...}" line: this Next.js version's standalone server is not supported`,
    );
  }
  config.experimental = { ...config.experimental, isrFlushToDisk: false };
  const line = `const nextConfig = ${JSON.stringify(config)}`;
  writeFileSync(
    serverJs,
    source.replace(pattern, () => line),
  );

  if (existsSync(requiredServerFiles)) {
    const manifest = JSON.parse(readFileSync(requiredServerFiles, "utf8")) as {
      config?: { experimental?: Record<string, unknown> };
    };
    if (manifest.config) {
      manifest.config.experimental = { ...manifest.config.experimental, isrFlushToDisk: false };
      writeFileSync(requiredServerFiles, JSON.stringify(manifest));
    }
  }
}

/** A link inside the tree stays a link (relative); one that leads out of it cannot work. */
function copySymlink(source: string, target: string, rel: string, realRoot: string): void {
  let resolved: string;
  try {
    resolved = realpathSync(source);
  } catch {
    throw new ImageError(`${source} is a broken symbolic link: fix or remove it and build again`);
  }
  if (resolved !== realRoot && !resolved.startsWith(realRoot + path.sep)) {
    throw new ImageError(
      `${rel} in the standalone tree links to ${resolved}, outside it; the image would hold a broken link (replace the link with what it points to)`,
    );
  }
  const link = readlinkSync(source);
  const relative = path.isAbsolute(link)
    ? path.relative(path.dirname(path.join(realRoot, rel)), resolved)
    : link;
  symlinkSync(relative, target);
}

function makeDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
}

/** Directories whose every file was left out (e.g. `node_modules/sharp`) go too. */
function removeEmptyDirs(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && removeEmptyDirs(path.join(dir, entry.name))) continue;
    empty = false;
  }
  if (empty) rmdirSync(dir);
  return empty;
}
