import { lookup as dnsLookup } from "node:dns/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import type { AddressPolicy } from "./address-policy";
import { HttpError, isHttpError } from "./http-error";
import { parseIp } from "./ip-address";
import { logEvent } from "./log";
import { checkDeclaredLength, readCapped } from "./read-capped";
import type { SourceImage } from "./source";

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Hostname to every address it resolves to. Tests pass a stub; production uses the OS resolver. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export interface RemoteFetcherProps {
  /** Which resolved addresses may be connected to; checked on every hop. */
  readonly policy: AddressPolicy;
  /** @default systemResolver */
  readonly resolver?: Resolver;
  /** The remote patterns: checked again for every redirect target. */
  readonly allowUrl: (url: URL) => boolean;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** The whole fetch, DNS to last byte, redirects included. */
  readonly timeoutMs: number;
  /** TCP connect, per hop. */
  readonly connectTimeoutMs: number;
}

export interface RemoteFetcher {
  fetch(url: URL): Promise<SourceImage>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

// Only these go upstream: never the viewer's cookies or credentials (CVE-2025-57752).
const UPSTREAM_HEADERS = {
  accept: "image/avif,image/webp,image/png,image/jpeg,image/gif,*/*;q=0.1",
  "accept-encoding": "identity",
  "user-agent": "zonke-image-optimizer",
};

/**
 * Fetches remote images without becoming an SSRF tool: the host is resolved here, every address
 * must pass the policy, and the socket connects to those checked addresses only (a second DNS
 * answer cannot rebind it). Redirects are followed by hand, each target re-checked against the
 * remote patterns and the policy. The body is streamed against a byte cap.
 */
export function createRemoteFetcher(props: RemoteFetcherProps): RemoteFetcher {
  const resolver = props.resolver ?? systemResolver;

  async function fetchImage(url: URL): Promise<SourceImage> {
    const deadline = AbortSignal.timeout(props.timeoutMs);
    try {
      let current = url;
      for (let redirects = 0; ; redirects++) {
        const addresses = await checkedAddresses(current, resolver, props.policy, deadline);
        const response = await request(current, addresses, deadline, props.connectTimeoutMs);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECTS.has(status) && location) {
          response.destroy();
          if (redirects >= props.maxRedirects) {
            throw new HttpError(508, `The image redirected more than ${props.maxRedirects} times`);
          }
          current = redirectTarget(location, current, props.allowUrl);
          continue;
        }
        try {
          return await readBody(response, props.maxBytes);
        } finally {
          response.destroy();
        }
      }
    } catch (error) {
      throw fetchFailure(error, deadline);
    }
  }

  return { fetch: fetchImage };
}

async function checkedAddresses(
  url: URL,
  resolver: Resolver,
  policy: AddressPolicy,
  deadline: AbortSignal,
): Promise<readonly ResolvedAddress[]> {
  const literal = parseIp(url.hostname);
  const addresses: readonly ResolvedAddress[] = literal
    ? [{ address: url.hostname.replace(/^\[|\]$/g, ""), family: literal.length === 4 ? 4 : 6 }]
    : await abortable(resolver(url.hostname), deadline).catch((error: unknown) => {
        if (deadline.aborted) throw error;
        throw new HttpError(502, "The image host name could not be resolved");
      });
  if (addresses.length === 0) {
    throw new HttpError(502, "The image host name could not be resolved");
  }
  // Every answer must pass: a client of this DNS name could be handed any of them.
  if (!addresses.every(({ address }) => policy.isAllowed(address))) {
    throw new HttpError(400, "The image host is not allowed (it resolves to a private address)");
  }
  return addresses;
}

function request(
  url: URL,
  addresses: readonly ResolvedAddress[],
  deadline: AbortSignal,
  connectTimeoutMs: number,
): Promise<http.IncomingMessage> {
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const isLiteral = parseIp(hostname) !== undefined;
  const options: https.RequestOptions = {
    protocol: url.protocol,
    hostname,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: "GET",
    headers: UPSTREAM_HEADERS,
    agent: false,
    signal: deadline,
    lookup: pinnedLookup(addresses),
    ...(isLiteral ? {} : { servername: hostname }),
  };
  const send = url.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(options, resolve);
    req.on("error", reject);
    req.on("socket", (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () => req.destroy(new HttpError(504, "Connecting to the image host timed out")),
        connectTimeoutMs,
      );
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    });
    req.end();
  });
}

/** A `lookup` that answers with the already-checked addresses and never asks DNS again. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return ((_hostname, options, callback) => {
    const first = addresses[0] as ResolvedAddress;
    if (typeof options === "object" && options?.all) {
      callback(null, addresses as never);
    } else {
      callback(null, first.address, first.family);
    }
  }) as LookupFunction;
}

function redirectTarget(location: string, from: URL, allowUrl: (url: URL) => boolean): URL {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new HttpError(502, "The image host sent an invalid redirect");
  }
  const httpLike = target.protocol === "https:" || target.protocol === "http:";
  if (!httpLike || target.username || target.password || !allowUrl(target)) {
    throw new HttpError(400, "The image redirected to a URL that is not allowed");
  }
  return target;
}

async function readBody(response: http.IncomingMessage, maxBytes: number): Promise<SourceImage> {
  const status = response.statusCode ?? 0;
  if (status === 404 || status === 410) {
    throw new HttpError(404, "The requested image was not found upstream");
  }
  if (status < 200 || status > 299) {
    throw new HttpError(502, `The image host answered ${status}`);
  }
  const encoding = response.headers["content-encoding"];
  if (encoding && encoding !== "identity") {
    throw new HttpError(502, "The image host sent a compressed body although none was asked for");
  }
  checkDeclaredLength(response.headers["content-length"], maxBytes);
  const body = await readCapped(response, maxBytes);
  const cacheControl = response.headers["cache-control"];
  return { body, ...(cacheControl ? { cacheControl } : {}) };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function fetchFailure(error: unknown, deadline: AbortSignal): HttpError {
  if (deadline.aborted) return new HttpError(504, "Fetching the image timed out");
  if (isHttpError(error)) return error;
  logEvent("warn", "remote fetch failed", { code: (error as { code?: string })?.code });
  return new HttpError(502, "The image could not be fetched from its host");
}
