/** `ZONKE_RESPONSE_MODE`: how responses leave the function. Must match the Function URL's invoke mode. */
export type ResponseMode = "stream" | "buffered";

export function responseMode(value: string | undefined): ResponseMode {
  const mode = value?.trim() || "stream";
  if (mode === "stream" || mode === "buffered") return mode;
  throw new Error(
    `ZONKE_RESPONSE_MODE "${value}" is not allowed; use stream (the default, Function URL invoke mode RESPONSE_STREAM) or buffered (invoke mode BUFFERED)`,
  );
}
