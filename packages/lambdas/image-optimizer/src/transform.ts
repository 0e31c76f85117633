import sharp from "sharp";
import type { ImageFormat } from "./formats";
import { HttpError } from "./http-error";

/** Raster formats sharp may decode here (SVG never reaches sharp). */
export type RasterFormat = "jpeg" | "png" | "gif" | "webp" | "avif";

/**
 * libvips loaders left enabled; every other loader (TIFF, SVG, PDF, VIPS, JXL, ...) is refused by
 * libvips itself, whatever the bytes claim to be. HEIF is the AVIF loader; GIF is kept because
 * sharp 0.35 carries the fix for GHSA-f88m-g3jw-g9cj.
 */
const ALLOWED_LOADERS = [
  "VipsForeignLoadJpeg",
  "VipsForeignLoadPng",
  "VipsForeignLoadWebp",
  "VipsForeignLoadHeif",
  "VipsForeignLoadNsgif",
];

/**
 * Process-wide sharp settings; call once at init. `threads` is libvips' worker count (see
 * encoderThreads).
 */
export function configureSharp(threads = 1): void {
  sharp.block({ operation: ["VipsForeignLoad"] });
  sharp.unblock({ operation: ALLOWED_LOADERS });
  // Every request is a different image: libvips' operation cache only holds memory.
  sharp.cache(false);
  sharp.concurrency(threads);
}

export interface TransformLimits {
  /** Decoded width x height (all frames) refused above this, before decoding pixels. */
  readonly maxInputPixels: number;
  /** sharp's own timeout. It does not interrupt an AVIF encode: the Lambda timeout bounds that. */
  readonly timeoutSec: number;
  /** Largest body that still fits Lambda's buffered response (see response.ts). */
  readonly maxOutputBytes: number;
}

export interface TransformRequest {
  readonly body: Buffer;
  readonly sourceFormat: RasterFormat;
  readonly width: number;
  readonly quality: number;
  /** The negotiated format; undefined keeps the source's (GIF becomes PNG). */
  readonly target?: "avif" | "webp";
}

export interface TransformResult {
  readonly body: Buffer;
  readonly format: ImageFormat;
}

/**
 * Resizes (never enlarging) and re-encodes. Animated GIF/WebP/AVIF are returned as they are, as
 * Next does: re-encoding every frame costs CPU the request does not pay for, and a still frame
 * would change the image. Metadata (EXIF, GPS) is dropped by re-encoding.
 *
 * If the result would not fit the response, it is encoded once more at a lower quality (PNG:
 * quantised to a palette); if that is still too large the answer is 413.
 */
export async function transformImage(
  request: TransformRequest,
  limits: TransformLimits,
): Promise<TransformResult> {
  const metadata = await sharp(request.body, inputOptions(limits, true))
    .metadata()
    .catch((error: unknown) => {
      throw sharpFailure(error, limits);
    });
  const expected = request.sourceFormat === "avif" ? "heif" : request.sourceFormat;
  if (metadata.format !== expected || (expected === "heif" && metadata.compression !== "av1")) {
    throw notAnImage();
  }
  if ((metadata.pages ?? 1) > 1) {
    return fitting({ body: request.body, format: request.sourceFormat }, limits);
  }

  const format = request.target ?? (request.sourceFormat === "gif" ? "png" : request.sourceFormat);
  const first = await encode(request, format, request.quality, false, limits);
  if (first.length <= limits.maxOutputBytes) return { body: first, format };
  const lowerQuality = Math.max(1, Math.floor(request.quality / 2));
  const second = await encode(request, format, lowerQuality, true, limits);
  return fitting({ body: second, format }, limits);
}

async function encode(
  request: TransformRequest,
  format: Exclude<RasterFormat, "gif">,
  quality: number,
  squeeze: boolean,
  limits: TransformLimits,
): Promise<Buffer> {
  const pipeline = sharp(request.body, inputOptions(limits, false))
    .timeout({ seconds: limits.timeoutSec })
    .rotate()
    .resize({ width: request.width, withoutEnlargement: true });
  switch (format) {
    case "avif":
      pipeline.avif({ quality: avifQuality(quality), effort: squeeze ? 2 : 3 });
      break;
    case "webp":
      pipeline.webp({ quality, effort: 4 });
      break;
    case "png":
      pipeline.png(squeeze ? { palette: true, quality, compressionLevel: 9 } : {});
      break;
    case "jpeg":
      pipeline.jpeg({ quality, mozjpeg: true });
      break;
  }
  return pipeline.toBuffer().catch((error: unknown) => {
    throw sharpFailure(error, limits);
  });
}

function fitting(result: TransformResult, limits: TransformLimits): TransformResult {
  if (result.body.length > limits.maxOutputBytes) {
    throw new HttpError(
      413,
      `The optimised image (${result.body.length} bytes) is larger than the ${limits.maxOutputBytes}-byte response limit`,
    );
  }
  return result;
}

function inputOptions(limits: TransformLimits, animated: boolean): sharp.SharpOptions {
  return { limitInputPixels: limits.maxInputPixels, animated, sequentialRead: true };
}

function sharpFailure(error: unknown, limits: TransformLimits): HttpError {
  const message = error instanceof Error ? error.message : "";
  if (/pixel limit/i.test(message)) {
    return new HttpError(400, `The source image has more than ${limits.maxInputPixels} pixels`);
  }
  if (/timeout/i.test(message)) {
    return new HttpError(504, "Optimising the image took too long");
  }
  return notAnImage();
}

export function notAnImage(): HttpError {
  return new HttpError(400, "The requested resource isn't a valid image");
}

/**
 * AVIF quality that looks like WebP at `quality`: the 50/80 ratio of sharp's defaults (AVIF 50,
 * WebP 80), the same scale Next.js uses (checked there with dssim and ssimulacra2), so "q=75"
 * means the same picture whichever format the viewer gets. Effort 3 keeps encodes short.
 */
export function avifQuality(quality: number): number {
  return Math.max(1, Math.round((quality * 50) / 80));
}
