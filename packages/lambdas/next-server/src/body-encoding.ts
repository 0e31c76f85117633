/**
 * How a response body travels in Lambda's JSON: as text when it certainly is UTF-8 text,
 * otherwise base64 (`isBase64Encoded: true`). Conservative: text only for text types (`text/*`,
 * JSON, JavaScript, XML and SVG, form-urlencoded) with no charset or a UTF-8 one, no
 * content-encoding (gzip or br bodies are bytes), and bytes that really are valid UTF-8. Anything
 * else, including a missing Content-Type, is base64: a mistaken base64 costs a third more bytes, a
 * mistaken text body corrupts the response.
 */
import { isUtf8 } from "node:buffer";

const TEXT_TYPE =
  /^(?:text\/[^;\s]+|application\/(?:json|javascript|ecmascript|xml|x-www-form-urlencoded)|[^/\s;]+\/[^;\s]+\+(?:json|xml))$/;
const UTF8_CHARSETS = new Set(["utf-8", "utf8", "us-ascii"]);

export function isTextContent(headers: Readonly<Record<string, string>>): boolean {
  const encoding = headers["content-encoding"]?.trim().toLowerCase();
  if (encoding && encoding !== "identity") return false;
  const contentType = headers["content-type"];
  if (!contentType) return false;
  const [type = "", ...parameters] = contentType.split(";").map((part) => part.trim());
  if (!TEXT_TYPE.test(type.toLowerCase())) return false;
  for (const parameter of parameters) {
    const [key, value = ""] = parameter.split("=", 2).map((part) => part.trim().toLowerCase());
    if (key === "charset" && !UTF8_CHARSETS.has(value.replace(/^"|"$/g, ""))) return false;
  }
  return true;
}

export function encodeBody(
  body: Buffer,
  headers: Readonly<Record<string, string>>,
): { body: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: "", isBase64Encoded: false };
  if (isTextContent(headers) && isUtf8(body)) {
    return { body: body.toString("utf8"), isBase64Encoded: false };
  }
  return { body: body.toString("base64"), isBase64Encoded: true };
}
