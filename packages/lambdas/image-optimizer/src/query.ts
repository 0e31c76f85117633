import { HttpError } from "./http-error";

/** Every value of every query parameter, in order, decoded exactly once. */
export type QueryValues = ReadonlyMap<string, readonly string[]>;

/**
 * Parses a Function URL `rawQueryString` strictly. The event's `queryStringParameters` joins
 * repeated keys with commas, which would hide `w=1&w=2`; and lenient decoders pass `%zz` through,
 * so a malformed escape here is a 400 rather than a surprise later.
 */
export function parseQuery(raw: string): QueryValues {
  const values = new Map<string, string[]>();
  if (raw === "") return values;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? "" : decodeComponent(pair.slice(equals + 1));
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return values;
}

/** Form decoding: `+` is a space, then strict percent-decoding. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw new HttpError(400, "The query string has malformed percent-encoding");
  }
}
