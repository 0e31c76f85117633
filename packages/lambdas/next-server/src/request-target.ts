/**
 * The request line's target, from the event's path and query string, kept byte for byte except
 * for characters that cannot stand literally in a URL.
 *
 * Function URLs deliver `rawPath` percent-encoded, but API Gateway HTTP APIs deliver it decoded
 * (a `?` or `#` in it would then split the URL in the wrong place). Escaping only what can never
 * appear in an encoded path leaves encoded paths unchanged and makes decoded ones safe, whichever
 * service sent the event. `rawQueryString` arrives encoded from both; it keeps repeated keys,
 * order and encoding as they are, with the same minimal escaping.
 */
export function requestTarget(rawPath: string, rawQueryString: string): string {
  const path = escapeUnsafe(rawPath, PATH_UNSAFE);
  const query = escapeUnsafe(rawQueryString, QUERY_UNSAFE);
  return query === "" ? path : `${path}?${query}`;
}

/** Controls, space, non-ASCII, the delimiters `?` and `#`, and a `%` that starts no escape. */
const PATH_UNSAFE = /[^\u0021-\u007e]|["#<>?`{}]|%(?![0-9A-Fa-f]{2})/gu;
/** The query keeps `?` and stray `%` (Next decides what they mean); `#` would end the URL. */
const QUERY_UNSAFE = /[^\u0021-\u007e]|#/gu;

function escapeUnsafe(text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (match) => {
    let escaped = "";
    for (const byte of Buffer.from(match, "utf8")) {
      escaped += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
    return escaped;
  });
}
