import { HttpError } from "./http-error";
import type { CompiledPatterns } from "./patterns";
import type { QueryValues } from "./query";

/** Next.js caps `url` at this many characters. */
export const MAX_URL_LENGTH = 3072;

export type SourceRef =
  /** `path` is the percent-decoded path, starting with a single "/". */
  | { readonly kind: "local"; readonly path: string }
  | { readonly kind: "remote"; readonly url: URL };

export interface ImageRequest {
  readonly source: SourceRef;
  readonly width: number;
  readonly quality: number;
  /** A hashed static import (`/_next/static/media/...`): its content never changes. */
  readonly isStatic: boolean;
  /** Last path segment of the source, for the download file name (sanitised later). */
  readonly baseName: string;
}

export interface ValidationRules {
  readonly widths: ReadonlySet<number>;
  readonly qualities: ReadonlySet<number>;
  readonly patterns: CompiledPatterns;
}

/**
 * `url`, `w` and `q` with Next.js's semantics and messages, stricter where Next is loose:
 * canonical numbers only (no `w=0640`, which would multiply cache entries), no backslashes or
 * control characters, no `.`/`..` segments after decoding, no credentials in remote URLs, and
 * malformed percent-encoding is a 400 (Next answers 500).
 */
export function validateRequest(query: QueryValues, rules: ValidationRules): ImageRequest {
  const url = single(query, "url", '"url" parameter');
  if (url.length > MAX_URL_LENGTH) throw bad('"url" parameter is too long');
  if (url.startsWith("//")) throw bad('"url" parameter cannot be a protocol-relative URL (//)');
  if (hasUnsafeCharacters(url)) throw bad('"url" parameter is invalid');

  const local = url.startsWith("/");
  const source = local ? localSource(url, rules.patterns) : remoteSource(url, rules.patterns);
  const width = integerParam(query, "w", '"w" parameter (width)', "an integer greater than 0");
  if (!rules.widths.has(width)) throw bad(`"w" parameter (width) of ${width} is not allowed`);
  const quality = integerParam(
    query,
    "q",
    '"q" parameter (quality)',
    "an integer between 1 and 100",
  );
  if (quality > 100) throw bad('"q" parameter (quality) must be an integer between 1 and 100');
  if (!rules.qualities.has(quality)) {
    throw bad(`"q" parameter (quality) of ${quality} is not allowed`);
  }

  const path = source.kind === "local" ? source.path : decodeOrRaw(source.url.pathname);
  return {
    source,
    width,
    quality,
    isStatic: source.kind === "local" && /^\/_next\/static\/(?:immutable\/)?media\//.test(path),
    baseName: path.slice(path.lastIndexOf("/") + 1),
  };
}

function localSource(url: string, patterns: CompiledPatterns): SourceRef {
  if (url.includes("#")) throw bad('"url" parameter is invalid');
  const queryAt = url.indexOf("?");
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw bad('"url" parameter has malformed percent-encoding');
  }
  if (hasUnsafeCharacters(path) || path.startsWith("//")) {
    throw bad('"url" parameter is invalid');
  }
  if (path.split("/").some((segment) => segment === "." || segment === "..")) {
    throw bad('"url" parameter cannot contain "." or ".." path segments');
  }
  if (/(?:^|\/)_next\/image(?:\/|$)/i.test(path)) {
    throw bad('"url" parameter cannot be recursive');
  }
  const parsed = new URL(url, "http://n");
  if (!patterns.allowsLocal(parsed.pathname, parsed.search)) {
    throw bad('"url" parameter is not allowed');
  }
  return { kind: "local", path };
}

function remoteSource(url: string, patterns: CompiledPatterns): SourceRef {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('"url" parameter is invalid');
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw bad('"url" parameter is invalid');
  }
  if (parsed.username !== "" || parsed.password !== "" || !patterns.allowsRemote(parsed)) {
    throw bad('"url" parameter is not allowed');
  }
  return { kind: "remote", url: parsed };
}

/** Backslashes (browsers and WHATWG URL read "/\\evil.com" as "//evil.com") and control characters. */
function hasUnsafeCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function single(query: QueryValues, name: string, label: string): string {
  const values = query.get(name);
  if (!values || values.length === 0 || values[0] === "") throw bad(`${label} is required`);
  if (values.length > 1) throw bad(`${label} cannot be an array`);
  return values[0] as string;
}

function integerParam(query: QueryValues, name: string, label: string, rule: string): number {
  const text = single(query, name, label);
  // Canonical decimal only, at most 5 digits: "0640", "1e3", "64.5" and "-1" are all refused.
  if (!/^[1-9][0-9]{0,4}$/.test(text)) throw bad(`${label} must be ${rule}`);
  return Number(text);
}

function decodeOrRaw(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function bad(message: string): HttpError {
  return new HttpError(400, message);
}
