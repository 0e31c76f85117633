/**
 * A fake of CodePipeline's job result API on 127.0.0.1, speaking what the SDK sends and reads
 * (AWS JSON 1.1: `POST /`, `X-Amz-Target: CodePipeline_20150709.<Operation>`). moto 5.2 has no
 * PutJobSuccessResult / PutJobFailureResult, hence this fake. Like CodePipeline it
 * - checks the SigV4 signature (recomputed over the request as received, service "codepipeline",
 *   with the credentials of `fakeClientConfig`),
 * - validates the fields and their length limits (ValidationException),
 * - closes a job at its first result: a second result for it is an InvalidJobStateException.
 */
import { createHash, createHmac } from "node:crypto";
import { fakeClientConfig, jsonAnswer, jsonError, listen, type Reply } from "./http-fake";

export type JobResultOperation = "PutJobSuccessResult" | "PutJobFailureResult";

export interface JobResultCall {
  readonly operation: JobResultOperation;
  readonly input: Record<string, any>;
  readonly raw: string;
  /** The answer the fake gave (200, or the error type). */
  readonly answer: string;
}

export interface FakeCodePipeline {
  readonly endpoint: string;
  /** Every well-formed call, in order, with its answer. */
  readonly calls: JobResultCall[];
  /** The calls that CodePipeline accepted for a job. */
  accepted(jobId: string): JobResultCall[];
  /** Answers the next `count` calls with this error instead (e.g. 500 InternalFailure). */
  failNext(count: number, status: number, type: string, message?: string): void;
  /** Never answers the next `count` calls (recorded as "held"): CodePipeline unreachable. */
  holdNext(count: number): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = "CodePipeline_20150709.";
const FAKE_ACCESS_KEY_ID = fakeClientConfig("").credentials.accessKeyId;
const FAKE_SECRET_ACCESS_KEY = fakeClientConfig("").credentials.secretAccessKey;
const FAILURE_TYPES = new Set([
  "JobFailed",
  "ConfigurationError",
  "PermissionError",
  "RevisionOutOfSync",
  "RevisionUnavailable",
  "SystemUnavailable",
]);

export async function startFakeCodePipeline(): Promise<FakeCodePipeline> {
  const calls: JobResultCall[] = [];
  const closed = new Set<string>();
  let failures: { count: number; reply: Reply } | undefined;
  let holds = 0;

  const server = await listen(async (request) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    if (request.method !== "POST" || request.path !== "/" || !target.startsWith(TARGET_PREFIX)) {
      return jsonError(
        404,
        "UnknownOperationException",
        `no route ${request.method} ${request.path} ${target}`,
      );
    }
    if (request.headers["content-type"] !== "application/x-amz-json-1.1") {
      return jsonError(
        400,
        "SerializationException",
        `content-type ${request.headers["content-type"]}`,
      );
    }
    const signatureProblem = checkSignature(request.headers, request.body);
    if (signatureProblem) return jsonError(403, "InvalidSignatureException", signatureProblem);
    const operation = target.slice(TARGET_PREFIX.length);
    if (operation !== "PutJobSuccessResult" && operation !== "PutJobFailureResult") {
      return jsonError(400, "UnknownOperationException", `unknown operation ${operation}`);
    }
    const input = JSON.parse(request.body) as Record<string, any>;
    const record = (answer: string) => calls.push({ operation, input, raw: request.body, answer });
    if (holds > 0) {
      holds -= 1;
      record("held");
      return undefined;
    }
    if (failures && failures.count > 0) {
      failures.count -= 1;
      record(failures.reply.headers?.["x-amzn-errortype"] ?? "error");
      return failures.reply;
    }
    const invalid = validate(operation, input);
    if (invalid) {
      record("ValidationException");
      return jsonError(400, "ValidationException", invalid);
    }
    if (closed.has(input["jobId"])) {
      record("InvalidJobStateException");
      return jsonError(
        400,
        "InvalidJobStateException",
        `Job ${input["jobId"]} is not in the InProgress state`,
      );
    }
    closed.add(input["jobId"]);
    record("200");
    return jsonAnswer({});
  });

  return {
    endpoint: server.endpoint,
    calls,
    accepted: (jobId) =>
      calls.filter((call) => call.input["jobId"] === jobId && call.answer === "200"),
    failNext(count, status, type, message = "fake failure") {
      failures = { count, reply: jsonError(status, type, message) };
    },
    holdNext(count) {
      holds = count;
    },
    close: () => server.close(),
  };
}

function validate(operation: JobResultOperation, input: Record<string, any>): string | undefined {
  const problems: string[] = [];
  const length = (value: unknown, max: number, name: string) => {
    if (value === undefined) return;
    if (typeof value !== "string" || value.length < 1 || value.length > max) {
      problems.push(
        `${name} must be a string of 1..${max} characters (got ${String(value).length})`,
      );
    }
  };
  if (typeof input["jobId"] !== "string" || !/^[0-9a-f-]{36}$/.test(input["jobId"])) {
    problems.push(`jobId ${JSON.stringify(input["jobId"])} is not a job id`);
  }
  if (operation === "PutJobFailureResult") {
    const details = input["failureDetails"] ?? {};
    if (!FAILURE_TYPES.has(details.type)) problems.push(`failureDetails.type ${details.type}`);
    if (details.message === undefined) problems.push("failureDetails.message is required");
    length(details.message, 5000, "failureDetails.message");
    length(details.externalExecutionId, 1500, "failureDetails.externalExecutionId");
  } else {
    length(input["continuationToken"], 2048, "continuationToken");
    const details = input["executionDetails"] ?? {};
    length(details.summary, 2048, "executionDetails.summary");
    length(details.externalExecutionId, 1500, "executionDetails.externalExecutionId");
    const percent = details.percentComplete;
    if (percent !== undefined && (!Number.isInteger(percent) || percent < 0 || percent > 100)) {
      problems.push(`executionDetails.percentComplete ${percent}`);
    }
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/**
 * Recomputes the SigV4 signature over the request as received (AWS's published algorithm, written
 * out here with node:crypto, independently of the SDK's signer) with the fake credentials, and
 * compares. Also requires the signature to cover `host` and `x-amz-target`, and to be fresh.
 */
function checkSignature(
  headers: Record<string, string | string[] | undefined>,
  body: string,
): string | undefined {
  const authorization = String(headers["authorization"] ?? "");
  const match =
    /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)\/(\d{8})\/([a-z0-9-]+)\/codepipeline\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return `unexpected authorization header: ${authorization}`;
  const [, accessKeyId, day, region, signedHeaders, signature] = match as unknown as string[];
  if (accessKeyId !== FAKE_ACCESS_KEY_ID) return `unknown access key ${accessKeyId}`;
  const amzDate = String(headers["x-amz-date"] ?? "");
  const signedAt = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
  );
  if (!amzDate.startsWith(day as string) || !(Math.abs(Date.now() - signedAt) < 5 * 60_000)) {
    return `x-amz-date ${amzDate} is not today's date in the credential scope, or not fresh`;
  }
  const names = (signedHeaders as string).split(";");
  if (!names.includes("host") || !names.includes("x-amz-target")) {
    return `host and x-amz-target must be signed (signed: ${signedHeaders})`;
  }
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
  const hmac = (key: string | Buffer, text: string) =>
    createHmac("sha256", key).update(text, "utf8").digest();
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${String(headers[name] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const payloadHash = String(headers["x-amz-content-sha256"] ?? sha256(body));
  const canonicalRequest = ["POST", "/", "", canonicalHeaders, signedHeaders, payloadHash].join(
    "\n",
  );
  const scope = `${day}/${region}/codepipeline/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${FAKE_SECRET_ACCESS_KEY}`, day as string);
  for (const part of [region as string, "codepipeline", "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  return expected === signature ? undefined : "the signature does not match the request";
}
