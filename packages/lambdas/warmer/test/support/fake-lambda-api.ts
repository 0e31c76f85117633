/**
 * A fake of the Lambda Invoke API on 127.0.0.1, speaking what the real SDK sends and reads
 * (@aws-sdk/client-lambda's serializer): `POST /2015-03-31/functions/{FunctionName}/invocations`
 * with `?Qualifier=` and `X-Amz-Invocation-Type`, the payload as the body; answers with the
 * function's payload (200, `X-Amz-Function-Error` when it failed) or an error with
 * `x-amzn-ErrorType` and a JSON body, as Lambda does.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface InvocationRequest {
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly invocationType: string | undefined;
  readonly authorization: string | undefined;
  readonly payload: string;
}

export type InvocationResult =
  | {
      readonly kind: "answer";
      readonly payload: string;
      /** "Unhandled" when the function threw, as Lambda reports it. */
      readonly functionError?: string;
    }
  | {
      readonly kind: "error";
      readonly status: number;
      readonly errorType: string;
      readonly body: Record<string, unknown>;
    }
  /** Holds the request open until the client gives up or the server closes. */
  | { readonly kind: "hang" };

export type Invoke = (request: InvocationRequest) => InvocationResult | Promise<InvocationResult>;

export interface FakeLambdaApi {
  readonly endpoint: string;
  readonly requests: InvocationRequest[];
  /** The most invocations that were in flight at the same time, across all functions. */
  readonly maxInFlight: () => number;
  readonly close: () => Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export const answer = (json: unknown, functionError?: string): InvocationResult => ({
  kind: "answer",
  payload: typeof json === "string" ? json : JSON.stringify(json),
  ...(functionError ? { functionError } : {}),
});

/** What Lambda answers when the function's concurrency is exhausted. */
export const throttled = (): InvocationResult => ({
  kind: "error",
  status: 429,
  errorType: "TooManyRequestsException",
  body: {
    Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
    Type: "User",
    message: "Rate Exceeded.",
  },
});

export const notFound = (functionName: string): InvocationResult => ({
  kind: "error",
  status: 404,
  errorType: "ResourceNotFoundException",
  body: {
    Type: "User",
    Message: `Function not found: arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
  },
});

export async function startFakeLambdaApi(invoke: Invoke): Promise<FakeLambdaApi> {
  const requests: InvocationRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = INVOKE_PATH.exec(url.pathname);
    if (req.method !== "POST" || !match) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `no such route: ${req.method} ${url.pathname}` }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: InvocationRequest = {
      functionName: decodeURIComponent(match[1] as string),
      qualifier: url.searchParams.get("Qualifier") ?? undefined,
      invocationType: header(req, "x-amz-invocation-type"),
      authorization: header(req, "authorization"),
      payload: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(request);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const result = await invoke(request);
      if (result.kind === "hang") {
        await new Promise((resolve) => res.on("close", resolve));
      } else if (result.kind === "answer") {
        res.writeHead(200, {
          "content-type": "application/json",
          "x-amz-executed-version": request.qualifier ?? "$LATEST",
          ...(result.functionError ? { "x-amz-function-error": result.functionError } : {}),
        });
        res.end(result.payload);
      } else {
        res.writeHead(result.status, {
          "content-type": "application/json",
          "x-amzn-errortype": result.errorType,
          "x-amzn-requestid": "00000000-0000-0000-0000-000000000000",
        });
        res.end(JSON.stringify(result.body));
      }
    } finally {
      inFlight -= 1;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The client settings that point the real SDK at a fake: fake credentials, no retries added. */
export function fakeClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret" },
  };
}
