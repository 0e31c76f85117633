import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** Credentials as the SDK resolves them (a profile, SSO, environment variables, a role). */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** An error answer of an AWS Query API, shaped like the SDK's service exceptions. */
export class AwsQueryError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };

  constructor(code: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode };
  }
}

export interface QueryRequest {
  /** Signing name and endpoint prefix, e.g. `sts`. */
  readonly service: string;
  readonly region: string;
  readonly credentials: Credentials;
  /** Action, Version and the action's parameters. */
  readonly params: Readonly<Record<string, string>>;
  /** @default - `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`, else https://<service>.<region>.amazonaws.com */
  readonly endpoint?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra headers, signed with the rest (e.g. a local emulator's account header). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One signed call of an AWS Query API (form-encoded POST, XML answer): the few lines zonke needs
 * for STS GetCallerIdentity, for which no SDK client is installed. It honours the SDK's standard
 * endpoint variables, so tests and local emulators (moto) work the same way as with the clients.
 */
export async function awsQuery(request: QueryRequest): Promise<string> {
  const endpoint = new URL(
    request.endpoint ??
      configuredEndpoint(request.service, request.env ?? process.env) ??
      `https://${request.service}.${request.region}.amazonaws.com/`,
  );
  const body = new URLSearchParams(request.params).toString();
  const signer = new SignatureV4({
    service: request.service,
    region: request.region,
    credentials: request.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname,
    query: {},
    headers: {
      ...request.headers,
      host: endpoint.host,
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    },
    body,
  });
  const response = await fetch(endpoint, {
    method: "POST",
    headers: signed.headers,
    body,
    signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new AwsQueryError(
      xmlText(text, "Code") ?? `HTTP${response.status}`,
      xmlText(text, "Message") ?? `${request.service} answered HTTP ${response.status}`,
      response.status,
    );
  }
  return text;
}

/** The first `<tag>` element's text in an XML answer (Query APIs answer flat, unambiguous XML). */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]
    ?.replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The SDK's service-specific endpoint settings, e.g. AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL. */
function configuredEndpoint(service: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] === "true") return undefined;
  return env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env["AWS_ENDPOINT_URL"] || undefined;
}

/** SHA-256 (or HMAC-SHA-256 with a key) in the shape the signer takes. */
class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}
