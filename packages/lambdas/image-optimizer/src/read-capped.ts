import { HttpError } from "./http-error";

/**
 * Collects a body, counting bytes as they arrive and giving up as soon as `maxBytes` is passed,
 * whatever Content-Length promised (or whether it was sent at all). The caller destroys the
 * stream on error; this only stops reading.
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array | string>,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const bytes =
      typeof chunk === "string"
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += bytes.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** Refuses up front when the declared length is already over the cap. */
export function checkDeclaredLength(contentLength: number | string | undefined, maxBytes: number) {
  const declared = Number(contentLength);
  if (contentLength !== undefined && Number.isFinite(declared) && declared > maxBytes) {
    throw tooLarge(maxBytes);
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `The source image is larger than the ${maxBytes}-byte limit`);
}
