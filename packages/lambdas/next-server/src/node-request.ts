import { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { LambdaConnection } from "./connection";

export interface NodeRequestSpec {
  readonly method: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

/**
 * Node's own request and response classes over a `LambdaConnection`, as an HTTP server would
 * create them: Next.js gets exactly the objects it gets from `next start`, and Node itself keeps
 * HEAD, 204 and 304 responses without a body.
 */
export function createNodeExchange(
  spec: NodeRequestSpec,
  connection: LambdaConnection,
): { req: IncomingMessage; res: ServerResponse } {
  const socket = connection as unknown as Socket;
  const req = new IncomingMessage(socket);
  req.method = spec.method;
  req.url = spec.target;
  req.httpVersion = "1.1";
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = { ...spec.headers };
  req.rawHeaders = Object.entries(spec.headers).flat();
  if (spec.body !== undefined && spec.body.length > 0) req.push(spec.body);
  req.push(null);
  // The whole body is here: without it Node would treat an unread body as an aborted request.
  req.complete = true;

  const res = new ServerResponse(req);
  res.assignSocket(socket);
  return { req, res };
}
