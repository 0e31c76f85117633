/**
 * An HTTP server on 127.0.0.1 at a free port, with a `close()` that also ends open keep-alive
 * connections (browsers hold them), so a test's afterAll leaves nothing running. A listener that
 * throws answers 502 and reports the error, instead of hanging the client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`, what a client sends as Host. */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export type AsyncListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export async function listenLocal(
  listener: AsyncListener,
  onError: (error: unknown) => void = (error) => console.error(error),
): Promise<LocalServer> {
  const server = createServer((req, res) => {
    listener(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end("Bad Gateway\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
