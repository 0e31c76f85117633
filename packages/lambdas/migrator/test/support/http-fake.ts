/** A local HTTP server on 127.0.0.1 at a free port whose close() also ends open connections. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

export interface LocalServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** `handle` answers a Reply, or undefined to hold the request open until the client gives up. */
export async function listen(
  handle: (request: ReceivedRequest) => Promise<Reply | undefined> | Reply | undefined,
): Promise<LocalServer> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let reply: Reply | undefined;
    try {
      reply = await handle({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
    } catch (error) {
      reply = { status: 500, body: JSON.stringify({ message: String(error) }) };
    }
    if (reply === undefined) {
      await new Promise((resolve) => res.on("close", resolve));
      return;
    }
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An AWS JSON 1.0/1.1 error answer, typed the way the SDK reads it. */
export function jsonError(status: number, type: string, message: string): Reply {
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type },
    body: JSON.stringify({ __type: type, message }),
  };
}

export function jsonAnswer(body: unknown): Reply {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify(body),
  };
}

/** Settings that point a real SDK client at a fake: fake credentials, the fake's endpoint. */
export function fakeClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret" },
  };
}
