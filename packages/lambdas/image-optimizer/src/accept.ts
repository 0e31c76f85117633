import type { OutputMimeType } from "./image-config";

/**
 * The configured output format the client prefers, from its `Accept` header: the highest q-value
 * wins, ties go to the earlier format in `images.formats`. Only an explicit media type counts
 * (as in Next): `*\/*` or `image/*` does not promise AVIF or WebP support. Undefined means "keep
 * the source format".
 */
export function negotiateFormat(
  accept: string | undefined,
  formats: readonly OutputMimeType[],
): OutputMimeType | undefined {
  if (!accept) return undefined;
  const weights = new Map<string, number>();
  for (const range of accept.split(",")) {
    const [type = "", ...params] = range.split(";").map((part) => part.trim().toLowerCase());
    const q = params.find((param) => /^q\s*=/.test(param));
    const weight = q === undefined ? 1 : Number(q.slice(q.indexOf("=") + 1).trim());
    if (Number.isFinite(weight)) weights.set(type, Math.max(weights.get(type) ?? 0, weight));
  }
  let best: OutputMimeType | undefined;
  let bestWeight = 0;
  for (const format of formats) {
    const weight = weights.get(format) ?? 0;
    if (weight > bestWeight) {
      best = format;
      bestWeight = weight;
    }
  }
  return best;
}
