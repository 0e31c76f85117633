/**
 * The optimiser's image configuration: Next.js's `images` settings, normalised and checked.
 *
 * The build reads them from the app's `.next/images-manifest.json` (or uses Next 16's defaults)
 * and writes the result as `config.json` into the zip; the runtime normalises that file again at
 * init, so a hand-edited config gets the same checks. This module imports nothing: the build
 * script bundles and evaluates it as it is.
 *
 * Pattern hostnames and pathnames end up as anchored regular-expression sources. Next 16 writes
 * them that way into the manifest (picomatch output); `next.config`-style globs (`*`, `**`) are
 * converted here. Anything else is refused with a message naming the field.
 */

export type OutputMimeType = "image/avif" | "image/webp";

export interface RemotePattern {
  /** "https" or "http". Absent in Next means either; here it means https only. */
  readonly protocol: "http" | "https";
  /** Anchored regular-expression source matched against the URL's hostname. */
  readonly hostname: string;
  /** Port as written in the URL ("" for the default port). Absent means the default port only. */
  readonly port: string;
  /** Anchored regular-expression source matched against the URL's pathname. */
  readonly pathname: string;
  /** When set, the URL's search (`?a=b`, or "") must equal it exactly. */
  readonly search?: string;
}

export interface LocalPattern {
  readonly pathname: string;
  readonly search?: string;
}

export interface ImageConfig {
  readonly deviceSizes: readonly number[];
  readonly imageSizes: readonly number[];
  readonly qualities: readonly number[];
  readonly formats: readonly OutputMimeType[];
  readonly remotePatterns: readonly RemotePattern[];
  /** Undefined allows every local path (Next's meaning). */
  readonly localPatterns?: readonly LocalPattern[];
  readonly minimumCacheTTL: number;
  readonly maximumRedirects: number;
  readonly maximumResponseBody: number;
  readonly dangerouslyAllowSVG: boolean;
  readonly contentDispositionType: "inline" | "attachment";
}

export class ImageConfigError extends Error {
  override readonly name = "ImageConfigError";
}

/** Next.js 16's documented defaults (`imageConfigDefault`). */
export const NEXT_DEFAULT_IMAGE_CONFIG: ImageConfig = {
  deviceSizes: [640, 750, 828, 1080, 1200, 1920, 2048, 3840],
  imageSizes: [32, 48, 64, 96, 128, 256, 384],
  qualities: [75],
  formats: ["image/webp"],
  remotePatterns: [],
  // Next 16 allows every local path but no query string on it unless configured.
  localPatterns: [{ pathname: globToRegexSource("**", "/"), search: "" }],
  minimumCacheTTL: 14400,
  maximumRedirects: 3,
  maximumResponseBody: 50_000_000,
  dangerouslyAllowSVG: false,
  contentDispositionType: "attachment",
};

export interface NormalisedImageConfig {
  readonly config: ImageConfig;
  /** Settings we accepted but do not honour, or that weaken the defaults. */
  readonly warnings: string[];
}

/**
 * Checks `images` (the manifest's `images` object, or a previous `config.json`) and fills in
 * defaults. Throws `ImageConfigError` naming the field, the bad value and what is allowed.
 */
export function normaliseImageConfig(images: unknown): NormalisedImageConfig {
  if (!isRecord(images)) {
    throw new ImageConfigError(`images must be an object, got ${describe(images)}`);
  }
  const warnings: string[] = [];
  const d = NEXT_DEFAULT_IMAGE_CONFIG;
  const remotePatterns = optionalArray(images, "remotePatterns", (p, i) =>
    remotePattern(p, `images.remotePatterns[${i}]`),
  );
  const domains = optionalArray(images, "domains", (v, i) =>
    hostnameString(v, `images.domains[${i}]`),
  );
  if (domains && domains.length > 0) {
    warnings.push(
      "images.domains is deprecated; each domain is allowed as https on the default port",
    );
  }
  const config: ImageConfig = {
    deviceSizes: optionalArray(images, "deviceSizes", (v, i) =>
      integer(v, `images.deviceSizes[${i}]`, 1, 10000),
    ) ?? [...d.deviceSizes],
    imageSizes: optionalArray(images, "imageSizes", (v, i) =>
      integer(v, `images.imageSizes[${i}]`, 1, 10000),
    ) ?? [...d.imageSizes],
    qualities: optionalArray(images, "qualities", (v, i) =>
      integer(v, `images.qualities[${i}]`, 1, 100),
    ) ?? [...d.qualities],
    formats: optionalArray(images, "formats", (v, i) =>
      outputFormat(v, `images.formats[${i}]`),
    ) ?? [...d.formats],
    remotePatterns: [
      ...(remotePatterns ?? []),
      ...(domains ?? []).map((host) => ({
        protocol: "https" as const,
        hostname: `^${escapeRegex(host)}$`,
        port: "",
        pathname: globToRegexSource("**", "/"),
      })),
    ],
    localPatterns:
      images["localPatterns"] === undefined
        ? d.localPatterns
        : optionalArray(images, "localPatterns", (p, i) =>
            localPattern(p, `images.localPatterns[${i}]`),
          ),
    minimumCacheTTL: optionalInteger(images, "minimumCacheTTL", 0, 31536000) ?? d.minimumCacheTTL,
    maximumRedirects: optionalInteger(images, "maximumRedirects", 0, 10) ?? d.maximumRedirects,
    maximumResponseBody:
      optionalInteger(images, "maximumResponseBody", 1, Number.MAX_SAFE_INTEGER) ??
      d.maximumResponseBody,
    dangerouslyAllowSVG: optionalBoolean(images, "dangerouslyAllowSVG") ?? d.dangerouslyAllowSVG,
    contentDispositionType: optionalDisposition(images) ?? d.contentDispositionType,
  };
  if (config.deviceSizes.length + config.imageSizes.length === 0) {
    throw new ImageConfigError("images.deviceSizes and images.imageSizes are both empty");
  }
  if (config.qualities.length === 0) {
    throw new ImageConfigError("images.qualities is empty; allow at least one quality (1-100)");
  }
  warnings.push(...weakenedSettings(images, config));
  return { config, warnings };
}

function weakenedSettings(images: Record<string, unknown>, config: ImageConfig): string[] {
  const warnings: string[] = [];
  const csp = images["contentSecurityPolicy"];
  if (csp !== undefined && csp !== "script-src 'none'; frame-src 'none'; sandbox;") {
    warnings.push(
      "images.contentSecurityPolicy is ignored: the optimiser always sends \"script-src 'none'; frame-src 'none'; sandbox;\"",
    );
  }
  if (images["dangerouslyAllowLocalIP"] === true) {
    warnings.push("images.dangerouslyAllowLocalIP is ignored: private addresses are never fetched");
  }
  if (config.dangerouslyAllowSVG) {
    warnings.push(
      "images.dangerouslyAllowSVG is on: SVG sources are served as-is (never rasterised)",
    );
  }
  for (const pattern of config.remotePatterns) {
    if (pattern.hostname === globToRegexSource("**", ".") || pattern.hostname === "^.*$") {
      warnings.push(
        `remote pattern hostname matches every host: the optimiser proxies any ${pattern.protocol} image`,
      );
    }
  }
  return warnings;
}

function remotePattern(value: unknown, field: string): RemotePattern {
  if (!isRecord(value)) {
    throw new ImageConfigError(`${field} must be an object, got ${describe(value)}`);
  }
  const protocol = value["protocol"];
  if (protocol !== undefined && protocol !== "https" && protocol !== "http") {
    throw new ImageConfigError(
      `${field}.protocol ${describe(protocol)} is not allowed; use "https" or "http"`,
    );
  }
  const port = value["port"];
  if (port !== undefined && (typeof port !== "string" || !/^(?:[0-9]{1,5})?$/.test(port))) {
    throw new ImageConfigError(`${field}.port ${describe(port)} must be a port number as a string`);
  }
  const search = value["search"];
  if (search !== undefined && typeof search !== "string") {
    throw new ImageConfigError(`${field}.search must be a string, got ${describe(search)}`);
  }
  return {
    protocol: protocol ?? "https",
    hostname: patternSource(value["hostname"], `${field}.hostname`, "."),
    port: port ?? "",
    pathname: patternSource(value["pathname"] ?? "**", `${field}.pathname`, "/"),
    ...(search !== undefined ? { search } : {}),
  };
}

function localPattern(value: unknown, field: string): LocalPattern {
  if (!isRecord(value)) {
    throw new ImageConfigError(`${field} must be an object, got ${describe(value)}`);
  }
  const search = value["search"];
  if (search !== undefined && typeof search !== "string") {
    throw new ImageConfigError(`${field}.search must be a string, got ${describe(search)}`);
  }
  return {
    pathname: patternSource(value["pathname"] ?? "**", `${field}.pathname`, "/"),
    ...(search !== undefined ? { search } : {}),
  };
}

/**
 * A pattern as an anchored regex source: Next 16's manifest form (`^...$`) is kept after checking
 * it compiles; a glob is converted. `separator` is what `*` does not cross ("." in hostnames).
 */
function patternSource(value: unknown, field: string, separator: "." | "/"): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new ImageConfigError(`${field} must be a non-empty string, got ${describe(value)}`);
  }
  if (value.startsWith("^") && value.endsWith("$")) {
    try {
      new RegExp(value);
    } catch {
      throw new ImageConfigError(
        `${field} ${JSON.stringify(value)} is not a valid regular expression`,
      );
    }
    return value;
  }
  const glob = separator === "." ? /^[a-z0-9*.\-[\]:]+$/i : /^[/*][\x21-\x7e]*$/;
  if (!glob.test(value)) {
    throw new ImageConfigError(
      `${field} ${JSON.stringify(value)} is neither an anchored regex (^...$, as Next 16 writes) nor a ${
        separator === "."
          ? "hostname glob (a-z, 0-9, '.', '-', '*')"
          : "path glob starting with '/' or '*'"
      }`,
    );
  }
  return globToRegexSource(separator === "." ? value.toLowerCase() : value, separator);
}

/** `**` matches anything (at least one character); `*` matches within one label or segment. */
export function globToRegexSource(glob: string, separator: "." | "/"): string {
  const notSeparator = separator === "." ? "[^.]" : "[^/]";
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    if (glob.startsWith("**", i)) {
      source += separator === "/" ? ".*" : ".+";
      i++;
    } else if (glob[i] === "*") {
      source += `${notSeparator}${separator === "/" ? "*" : "+"}`;
    } else {
      source += escapeRegex(glob[i] as string);
    }
  }
  return `^${source}$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

function hostnameString(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^[a-z0-9.-]+$/i.test(value)) {
    throw new ImageConfigError(`${field} ${describe(value)} must be a plain hostname`);
  }
  return value.toLowerCase();
}

function outputFormat(value: unknown, field: string): OutputMimeType {
  if (value !== "image/avif" && value !== "image/webp") {
    throw new ImageConfigError(
      `${field} ${describe(value)} is not allowed; use "image/avif" or "image/webp"`,
    );
  }
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ImageConfigError(
      `${field} ${describe(value)} is not allowed; use a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

function optionalArray<T>(
  images: Record<string, unknown>,
  key: string,
  item: (value: unknown, index: number) => T,
): T[] | undefined {
  const value = images[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new ImageConfigError(`images.${key} must be an array, got ${describe(value)}`);
  }
  return value.map(item);
}

function optionalInteger(
  images: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = images[key];
  return value === undefined ? undefined : integer(value, `images.${key}`, min, max);
}

function optionalBoolean(images: Record<string, unknown>, key: string): boolean | undefined {
  const value = images[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") {
    throw new ImageConfigError(`images.${key} must be true or false, got ${describe(value)}`);
  }
  return value;
}

function optionalDisposition(images: Record<string, unknown>): "inline" | "attachment" | undefined {
  const value = images["contentDispositionType"];
  if (value === undefined) return undefined;
  if (value !== "inline" && value !== "attachment") {
    throw new ImageConfigError(
      `images.contentDispositionType ${describe(value)} is not allowed; use "inline" or "attachment"`,
    );
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
}
