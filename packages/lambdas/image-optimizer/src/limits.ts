/** Hardening limits, each overridable by an environment variable on the function. */
export interface Limits {
  /** Decoded pixels (width x height, all frames). @default 50,000,000 */
  readonly maxInputPixels: number;
  /** Source bytes read from S3 or a remote host. @default 20 MiB */
  readonly maxSourceBytes: number;
  /** A whole remote fetch or S3 read, redirects included. @default 7000 */
  readonly fetchTimeoutMs: number;
  /** TCP connect to a remote host. @default 3000 */
  readonly connectTimeoutMs: number;
  /** sharp's processing timeout. @default 7 */
  readonly transformTimeoutSec: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxInputPixels: 50_000_000,
  maxSourceBytes: 20 * 1024 * 1024,
  fetchTimeoutMs: 7000,
  connectTimeoutMs: 3000,
  transformTimeoutSec: 7,
};

const VARIABLES: Record<keyof Limits, string> = {
  maxInputPixels: "IMAGE_MAX_INPUT_PIXELS",
  maxSourceBytes: "IMAGE_MAX_SOURCE_BYTES",
  fetchTimeoutMs: "IMAGE_FETCH_TIMEOUT_MS",
  connectTimeoutMs: "IMAGE_CONNECT_TIMEOUT_MS",
  transformTimeoutSec: "IMAGE_TRANSFORM_TIMEOUT_SEC",
};

/** Throws at init on a bad value: a misconfigured function should fail loudly, not run loose. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Limits {
  const limits: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, variable] of Object.entries(VARIABLES)) {
    const text = env[variable];
    if (text === undefined || text === "") continue;
    if (!/^[1-9][0-9]{0,14}$/.test(text)) {
      throw new Error(`${variable}="${text}" is not allowed; use a whole number greater than 0`);
    }
    limits[key] = Number(text);
  }
  return limits as unknown as Limits;
}
