import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { AddressPolicy } from "../src/address-policy";
import { createImageHandler, type ImageHandler, type ImageHandlerProps } from "../src/app";
import { HttpError } from "../src/http-error";
import { normaliseImageConfig } from "../src/image-config";
import { DEFAULT_LIMITS } from "../src/limits";
import type { Resolver } from "../src/remote-fetch";
import type { FunctionUrlResponse } from "../src/response";
import type { ObjectSource } from "../src/source";
import { configureSharp } from "../src/transform";

/** Tests that fetch from the local upstream say so explicitly: only 127.0.0.1 is allowed. */
export const LOOPBACK_ONLY_FOR_TESTS: AddressPolicy = {
  name: "test-loopback-only",
  isAllowed: (address) => address === "127.0.0.1",
};

/** A resolver that knows only the given names and never touches real DNS. */
export function stubResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map(
      (address) => ({ address, family: address.includes(":") ? 6 : 4 }) as const,
    );
  };
  return Object.assign(resolve, { calls });
}

/** The assets bucket in memory; records the keys asked for. */
export function memoryObjects(
  objects: Record<string, { body: Buffer; cacheControl?: string }>,
): ObjectSource & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async getObject(key) {
      keys.push(key);
      const object = objects[key];
      if (!object) throw new HttpError(404, "The requested image was not found");
      return object;
    },
  };
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An upstream on 127.0.0.1 (port 0) with routes by path; records every request it gets. */
export async function startUpstream(routes: Record<string, Route>) {
  const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? "", headers: req.headers });
    const route = routes[(req.url ?? "").split("?")[0] as string];
    if (route) route(req, res);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function imageEvent(
  rawQueryString: string,
  options: { method?: string; headers?: Record<string, string> } = {},
) {
  return {
    version: "2.0",
    rawPath: "/_next/image",
    rawQueryString,
    headers: { host: "d111.cloudfront.net", ...options.headers },
    requestContext: { http: { method: options.method ?? "GET", path: "/_next/image" } },
    isBase64Encoded: false,
  };
}

export const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

export function makeHandler(
  options: {
    images?: Record<string, unknown>;
    objects?: ObjectSource;
    overrides?: Partial<ImageHandlerProps>;
  } = {},
): ImageHandler {
  configureSharp(); // as the production entry does at init
  return createImageHandler({
    config: normaliseImageConfig(options.images ?? {}).config,
    limits: { ...DEFAULT_LIMITS, fetchTimeoutMs: 2000, connectTimeoutMs: 1000 },
    assetsPrefix: "assets",
    objectSource: options.objects ?? memoryObjects({}),
    addressPolicy: LOOPBACK_ONLY_FOR_TESTS,
    resolver: stubResolver({}),
    ...options.overrides,
  });
}

export const bodyOf = (response: FunctionUrlResponse) => Buffer.from(response.body, "base64");
export const textOf = (response: FunctionUrlResponse) => bodyOf(response).toString("utf8");
