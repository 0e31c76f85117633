/**
 * A local stand-in for Secrets Manager's GetSecretValue, spoken over real HTTP (JSON 1.1 protocol:
 * POST with `X-Amz-Target: secretsmanager.GetSecretValue` and a `{"SecretId"}` body), so tests run
 * the real SDK client against it through `endpoint`. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeSecret =
  | { readonly secretString: string }
  | { readonly binary: true }
  | { readonly error: string; readonly message: string; readonly status?: number }
  | { readonly hang: true };

export interface SeenRequest {
  readonly target: string | undefined;
  readonly secretId: unknown;
  readonly signed: boolean;
}

export interface FakeSecretsManager {
  readonly endpoint: string;
  readonly requests: SeenRequest[];
  set(secretId: string, secret: FakeSecret): void;
  close(): Promise<void>;
}

export async function startFakeSecretsManager(
  secrets: Record<string, FakeSecret>,
): Promise<FakeSecretsManager> {
  const store = new Map(Object.entries(secrets));
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    void answer(req, res);
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: { SecretId?: unknown } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      // answered below as a validation error
    }
    const target = req.headers["x-amz-target"] as string | undefined;
    requests.push({
      target,
      secretId: body.SecretId,
      signed: String(req.headers["authorization"] ?? "").startsWith("AWS4-HMAC-SHA256"),
    });
    if (req.method !== "POST" || target !== "secretsmanager.GetSecretValue") {
      return send(res, 400, { __type: "UnknownOperationException", message: "unknown operation" });
    }
    const secretId = typeof body.SecretId === "string" ? body.SecretId : "";
    const secret = store.get(secretId);
    if (!secret) {
      return send(res, 400, {
        __type: "ResourceNotFoundException",
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    if ("hang" in secret) return; // never answers: the client's timeout must end the call
    if ("error" in secret) {
      return send(res, secret.status ?? 400, { __type: secret.error, message: secret.message });
    }
    const name = secretId.split(":").pop() ?? secretId;
    send(res, 200, {
      ARN: secretId,
      Name: name,
      VersionId: "f6a1c0de-0000-4000-8000-000000000001",
      VersionStages: ["AWSCURRENT"],
      CreatedDate: 1700000000,
      ...("binary" in secret
        ? { SecretBinary: Buffer.from([1, 2, 3]).toString("base64") }
        : { SecretString: secret.secretString }),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    set: (secretId, secret) => store.set(secretId, secret),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": "00000000-0000-4000-8000-000000000000",
  });
  res.end(text);
}
