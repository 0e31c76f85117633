/**
 * An HTTP request as it arrived, before anything interprets it: what a Function URL or CloudFront
 * works from. Target and header fields are kept byte for byte (only names are lower-cased),
 * repeated fields stay separate and in order.
 */
import type { IncomingMessage } from "node:http";

export interface RawHttpRequest {
  readonly method: string;
  /** The path as received, percent-encoding kept. */
  readonly rawPath: string;
  /** What follows the first `?`, as received; "" without one. */
  readonly rawQueryString: string;
  /** Header fields in the order received, names lower-cased. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  /** The peer's address (an IPv4-mapped IPv6 address as plain IPv4). */
  readonly sourceIp: string;
}

/** Reads the whole request, body included. */
export async function readRawHttpRequest(req: IncomingMessage): Promise<RawHttpRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const target = req.url ?? "/";
  const question = target.indexOf("?");
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!]);
  }
  return {
    method: req.method ?? "GET",
    rawPath: question < 0 ? target : target.slice(0, question),
    rawQueryString: question < 0 ? "" : target.slice(question + 1),
    headers,
    body: Buffer.concat(chunks),
    sourceIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, ""),
  };
}

/** The first value of a header field (names are lower-case). */
export function headerValue(request: RawHttpRequest, name: string): string | undefined {
  return request.headers.find(([field]) => field === name)?.[1];
}
