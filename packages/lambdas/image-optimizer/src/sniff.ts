import type { ImageFormat } from "./formats";

/**
 * The source format from its first bytes. The origin's Content-Type is never trusted: a host can
 * label HTML as image/png. Undefined means "not an image we handle".
 */
export function sniffFormat(bytes: Buffer): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  const ascii = (start: number, end: number) => bytes.toString("latin1", start, end);
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (isAvif(bytes)) return "avif";
  if (isSvg(bytes)) return "svg";
  return undefined;
}

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * An ISO-BMFF `ftyp` box whose size fits the file and whose brands name AVIF. HEIC (HEVC) is not
 * AVIF: sharp's prebuilt libheif only decodes AV1.
 */
function isAvif(bytes: Buffer): boolean {
  if (bytes.length < 16 || bytes.toString("latin1", 4, 8) !== "ftyp") return false;
  const boxSize = bytes.readUInt32BE(0);
  if (boxSize < 16 || boxSize > bytes.length || boxSize % 4 !== 0) return false;
  for (let at = 8; at + 4 <= boxSize; at += 4) {
    if (at === 12) continue; // minor version, not a brand
    const brand = bytes.toString("latin1", at, at + 4);
    if (brand === "avif" || brand === "avis") return true;
  }
  return false;
}

function isSvg(bytes: Buffer): boolean {
  const head = bytes
    .toString("utf8", 0, 4096)
    .replace(/^\uFEFF/, "")
    .trimStart();
  return head.startsWith("<") && /<svg[\s>]/i.test(head);
}
