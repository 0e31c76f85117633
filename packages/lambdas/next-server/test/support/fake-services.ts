/**
 * Local stand-ins for what the example app talks to, over real HTTP on 127.0.0.1: Secrets
 * Manager's GetSecretValue (JSON 1.1 protocol, for the real SDK client inside the function) and
 * the Django API's `/api/items/`.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeService {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function listen(listener: RequestListener, requests: string[]): Promise<FakeService> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers GetSecretValue for the given secrets (ARN -> JSON object); anything else is not found. */
export function startFakeSecretsManager(secrets: Record<string, Record<string, string>>) {
  const requests: string[] = [];
  return listen(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    const secretId = (JSON.parse(text || "{}") as { SecretId?: string }).SecretId ?? "";
    requests.push(`${req.headers["x-amz-target"]} ${secretId}`);
    const secret = secrets[secretId];
    const [status, body] =
      req.headers["x-amz-target"] === "secretsmanager.GetSecretValue" && secret
        ? [
            200,
            {
              ARN: secretId,
              Name: secretId.split(":").pop(),
              SecretString: JSON.stringify(secret),
            },
          ]
        : [
            400,
            {
              __type: "ResourceNotFoundException",
              message: "Secrets Manager can't find the specified secret.",
            },
          ];
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
    res.end(JSON.stringify(body));
  }, requests);
}

/** Django REST framework's paged answer for GET /api/items/. */
export function startFakeDjangoApi(items: Array<{ id: number; name: string }>) {
  const requests: string[] = [];
  return listen((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url !== "/api/items/") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ count: items.length, next: null, previous: null, results: items }));
  }, requests);
}
