import { createHash } from "node:crypto";
import { EXTENSIONS, MIME_TYPES, type ImageFormat } from "./formats";

/** Sent on every response: even a served SVG can run no script and frame nothing. */
export const CONTENT_SECURITY_POLICY = "script-src 'none'; frame-src 'none'; sandbox;";

/** A year: the longest max-age an upstream can ask for, and the one static imports get. */
const MAX_AGE_CEILING_SEC = 31536000;

export type Headers = Record<string, string>;

export function securityHeaders(): Headers {
  return {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
  };
}

/** Errors are never cached: the next request may succeed (and CloudFront must not pin a 5xx). */
export function errorHeaders(): Headers {
  return {
    ...securityHeaders(),
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
  };
}

export interface SuccessHeaderInput {
  readonly format: ImageFormat;
  readonly body: Buffer;
  readonly maxAgeSec: number;
  /** Hashed static imports never change. */
  readonly immutable: boolean;
  readonly dispositionType: "inline" | "attachment";
  /** The source's last path segment; sanitised here. */
  readonly baseName: string;
}

export function successHeaders(input: SuccessHeaderInput): Headers {
  return {
    ...securityHeaders(),
    "content-type": MIME_TYPES[input.format],
    // The body depends on Accept (format negotiation), so caches must key on it.
    vary: "Accept",
    "cache-control": input.immutable
      ? `public, max-age=${MAX_AGE_CEILING_SEC}, immutable`
      : `public, max-age=${input.maxAgeSec}, must-revalidate`,
    "content-disposition": contentDisposition(input.dispositionType, input.baseName, input.format),
    etag: etagOf(input.body),
  };
}

/**
 * The file name comes from the source's name with every character outside [A-Za-z0-9_-] replaced,
 * and the extension from the validated output format only, so an upstream can choose neither a
 * misleading extension nor quoting tricks (CVE-2025-55173). Nothing left needs escaping.
 */
export function contentDisposition(
  type: "inline" | "attachment",
  baseName: string,
  format: ImageFormat,
): string {
  const withoutExtension = baseName.replace(/\.[^.]*$/, "");
  const safe = withoutExtension.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 64);
  const name = /[A-Za-z0-9]/.test(safe) ? safe : "image";
  return `${type}; filename="${name}.${EXTENSIONS[format]}"`;
}

/**
 * Next's rule: the larger of `minimumCacheTTL` and the origin's `s-maxage` (else `max-age`),
 * capped here at a year.
 */
export function maxAgeSec(minimumCacheTTL: number, upstreamCacheControl?: string): number {
  const upstream = upstreamMaxAge(upstreamCacheControl ?? "");
  return Math.min(MAX_AGE_CEILING_SEC, Math.max(minimumCacheTTL, upstream));
}

function upstreamMaxAge(cacheControl: string): number {
  const directives = new Map<string, string>();
  for (const part of cacheControl.toLowerCase().split(",")) {
    const [name = "", value = ""] = part.trim().split("=");
    directives.set(name.trim(), value.trim().replace(/^"|"$/g, ""));
  }
  const value = directives.get("s-maxage") ?? directives.get("max-age");
  return value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : 0;
}

/** A strong validator of the exact bytes sent. */
export function etagOf(body: Buffer): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** RFC 9110 If-None-Match: `*`, or a list of (possibly weak) tags compared weakly. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => opaque(tag) === opaque(etag));
}
