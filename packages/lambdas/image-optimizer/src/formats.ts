/** Image formats the optimiser reads or writes, and how each is named on the wire. */
export type ImageFormat = "avif" | "webp" | "png" | "jpeg" | "gif" | "svg";

export const MIME_TYPES: Readonly<Record<ImageFormat, string>> = {
  avif: "image/avif",
  webp: "image/webp",
  png: "image/png",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
};

export const EXTENSIONS: Readonly<Record<ImageFormat, string>> = {
  avif: "avif",
  webp: "webp",
  png: "png",
  jpeg: "jpg",
  gif: "gif",
  svg: "svg",
};

export function formatOfMime(mime: string): ImageFormat | undefined {
  return (Object.keys(MIME_TYPES) as ImageFormat[]).find((format) => MIME_TYPES[format] === mime);
}
