import { UsageError } from "./errors";

/** One folder of a build and the URL path it is served under. */
export interface AssetSource {
  /** The folder, relative to the app folder (`.next/static`, `public`, `.`). */
  readonly localDir: string;
  /** The URL path its files are served under: starts and ends with `/` (`/_next/static/`). */
  readonly urlPrefix: string;
  /**
   * The files have content-hashed names: cached for a year by browsers too, never invalidated,
   * never deleted (open tabs of an older build still load them).
   */
  readonly immutable: boolean;
  /**
   * Set when the folder must exist: completes "<app folder> ..." in the error (say what is wrong
   * and what to do). A missing optional folder is skipped.
   */
  readonly whenMissing?: string;
}

export type AppKind = "nextjs" | "static";
export const APP_KINDS: readonly AppKind[] = ["nextjs", "static"];

/** `next build` output: hashed chunks, CSS and media, and the app's public/ folder at the root. */
export const NEXTJS_SOURCES: readonly AssetSource[] = [
  {
    localDir: ".next/static",
    urlPrefix: "/_next/static/",
    immutable: true,
    whenMissing:
      "is not a Next.js build: .next/static is missing (run `next build` first, or pass --kind static for a plain folder)",
  },
  { localDir: "public", urlPrefix: "/", immutable: false },
];

/**
 * A plain folder served under `urlPrefix`, e.g. Django's collectstatic output under `/static/`.
 * Its names are not treated as hashed: ManifestStaticFilesStorage also writes unhashed copies.
 */
export function staticSources(urlPrefix = "/"): readonly AssetSource[] {
  return [
    {
      localDir: ".",
      urlPrefix: normaliseUrlPrefix(urlPrefix),
      immutable: false,
    },
  ];
}

export function sourcesFor(kind: AppKind, urlPrefix?: string): readonly AssetSource[] {
  if (kind === "static") return staticSources(urlPrefix);
  if (urlPrefix !== undefined && urlPrefix !== "/") {
    throw new UsageError(`--url-prefix applies to --kind static only (got --kind ${kind})`);
  }
  return NEXTJS_SOURCES;
}

/** `static` -> `/static/`; rejects what cannot be a URL path prefix. */
export function normaliseUrlPrefix(urlPrefix: string): string {
  const trimmed = urlPrefix.trim().replace(/^\/+|\/+$/g, "");
  const prefix = trimmed === "" ? "/" : `/${trimmed}/`;
  if (/[\\?#*]|\/\/|(^|\/)\.\.?(\/|$)/.test(prefix)) {
    throw new UsageError(
      `URL prefix "${urlPrefix}" is not a plain path: use letters, digits, - and / (e.g. /static/)`,
    );
  }
  return prefix;
}

/**
 * Keys that are never deleted: hashed files of every source marked immutable, and Next.js's
 * `_next/static/` whatever the kind of this deploy (a `--kind static` run on a Next.js bucket
 * must not prune them).
 */
export function protectedKeyPrefixes(sources: readonly AssetSource[]): string[] {
  const fromSources = sources.filter((s) => s.immutable).map((s) => `assets${s.urlPrefix}`);
  return [...new Set(["assets/_next/static/", ...fromSources])];
}

/** The key prefixes a deploy owns: a removed file is a prune candidate only under one of them. */
export function ownedKeyPrefixes(sources: readonly AssetSource[]): string[] {
  return [...new Set(sources.map((s) => `assets${s.urlPrefix}`))];
}
