/**
 * A fake of the Lambda Invoke API on 127.0.0.1, speaking what @aws-sdk/client-lambda sends and
 * reads: `POST /2015-03-31/functions/{FunctionName}/invocations?Qualifier=`, the payload as the
 * body; the function's payload back (200, `X-Amz-Function-Error` when it failed) or an error with
 * `x-amzn-ErrorType`. (The warmer has a similar fake in its test/support, but @zonke/warmer
 * exports only its artifact, so it cannot be imported from here.)
 */
import { listen, type Reply } from "./http-fake";

export interface InvocationRequest {
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly invocationType: string | undefined;
  readonly authorization: string | undefined;
  readonly payload: string;
}

/** A Reply, or undefined to hold the request open (a function that has not answered yet). */
export type Invoke = (request: InvocationRequest) => Promise<Reply | undefined> | Reply | undefined;

export interface FakeLambdaApi {
  readonly endpoint: string;
  readonly requests: InvocationRequest[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export function functionAnswer(result: unknown, functionError?: string, version = "1"): Reply {
  return {
    status: 200,
    headers: {
      "content-type": "application/json",
      "x-amz-executed-version": version,
      "x-amzn-requestid": "8f5d1f7e-0000-4000-8000-000000000001",
      ...(functionError ? { "x-amz-function-error": functionError } : {}),
    },
    body: typeof result === "string" ? result : JSON.stringify(result),
  };
}

export function lambdaError(status: number, type: string, message: string): Reply {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": type },
    body: JSON.stringify({ Type: "User", Message: message }),
  };
}

export async function startFakeLambdaApi(invoke: Invoke): Promise<FakeLambdaApi> {
  const requests: InvocationRequest[] = [];
  const server = await listen(async (request) => {
    const match = INVOKE_PATH.exec(request.path);
    if (request.method !== "POST" || !match) {
      return lambdaError(
        404,
        "UnknownOperationException",
        `no route ${request.method} ${request.path}`,
      );
    }
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const invocation: InvocationRequest = {
      functionName: decodeURIComponent(match[1] as string),
      qualifier: request.query.get("Qualifier") ?? undefined,
      invocationType: header("x-amz-invocation-type"),
      authorization: header("authorization"),
      payload: request.body,
    };
    requests.push(invocation);
    return invoke(invocation);
  });
  return { endpoint: server.endpoint, requests, close: () => server.close() };
}
