/**
 * The adapter in this process around a test request handler (instead of Next.js), run the way
 * the Lambda runtime runs each mode, with answers read the way the Function URL reads them.
 */
import { createAdapter, type Adapter } from "../../src/adapter";
import type { AwsLambdaGlobal } from "../../src/lambda-runtime-global";
import type { NodeRequestHandler } from "../../src/serve";
import {
  functionUrlAnswer,
  invokeStreaming,
  localAwsLambda,
  type HttpAnswer,
} from "@zonke/lambda-local";
import type { Mode } from "./next-server-instance";

export const MODES: readonly Mode[] = ["stream", "buffered"];

export function inProcessAdapter(
  handler: NodeRequestHandler,
  warmUp?: () => Promise<void>,
): Adapter {
  return createAdapter({
    handler,
    runtime: localAwsLambda as unknown as AwsLambdaGlobal,
    ...(warmUp ? { warmUp } : {}),
  });
}

/** Invokes `adapter` in `mode`; resolves with the raw payload (stream) or the result (buffered). */
export async function invoke(
  adapter: Adapter,
  mode: Mode,
  event: unknown,
): Promise<
  { type: "stream"; contentType: string; bytes: Buffer } | { type: "buffered"; result: unknown }
> {
  if (mode === "buffered") return { type: "buffered", result: await adapter.buffered(event) };
  const { contentType, bytes } = await invokeStreaming(
    adapter.streaming as Parameters<typeof invokeStreaming>[0],
    event,
    {},
  );
  return { type: "stream", contentType, bytes };
}

export async function httpInProcess(
  adapter: Adapter,
  mode: Mode,
  event: unknown,
): Promise<HttpAnswer> {
  const answer = await invoke(adapter, mode, event);
  return functionUrlAnswer(
    answer.type === "stream"
      ? { type: "stream", contentType: answer.contentType, payload: answer.bytes }
      : answer,
  );
}

/** A request handler that answers with what reached it, as JSON. */
export const echoHandler: NodeRequestHandler = async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  res.setHeader("content-type", "application/json");
  res.end(
    JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: body.toString("base64"),
      remoteAddress: req.socket.remoteAddress,
      encrypted: (req.socket as { encrypted?: boolean }).encrypted,
    }),
  );
};

export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  remoteAddress: string;
  encrypted: boolean;
}
