/**
 * Runs a CloudFront Function's code (cloudfront-js-2.0) on a viewer request, as CloudFront does
 * (developer guide, "CloudFront Functions event structure"):
 *
 * - The event's `request` has `method`, `uri`, and `querystring`, `headers` (names lower-case,
 *   `Cookie` left out) and `cookies` as `{ name: { value, multiValue? } }`; `multiValue` appears
 *   only for repeated names and repeats the first value. Query values are kept as received.
 * - The function returns the request (changed or not) or a response (`statusCode`, ...).
 * - Changes are applied back: the header set becomes the returned one; the query string and the
 *   cookies are rebuilt only when the function changed them, else they pass byte for byte.
 *
 * The code runs in its own V8 context with no Node globals (no `require`, no `process`), like the
 * CloudFront runtime; it is evaluated once per behaviour and reused.
 */
import { randomUUID } from "node:crypto";
import { createContext, runInContext } from "node:vm";
import type { HttpAnswer, RawHttpRequest } from "@zonke/lambda-local";

type Field = { value: string; multiValue?: Array<{ value: string }> };
type FieldMap = Record<string, Field>;

interface FunctionRequest {
  method: string;
  uri: string;
  querystring: FieldMap;
  headers: FieldMap;
  cookies: FieldMap;
}

interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: FieldMap;
  cookies?: Record<string, Field & { attributes?: string }>;
  body?: string | { data: string; encoding: "text" | "base64" };
}

export type ViewerRequestResult =
  { readonly request: RawHttpRequest } | { readonly response: HttpAnswer };

export type ViewerRequestFunction = (
  request: RawHttpRequest,
  distributionDomainName: string,
) => ViewerRequestResult;

export function loadViewerRequestFunction(code: string): ViewerRequestFunction {
  const context = createContext({});
  runInContext(code, context, { filename: "viewer-request.js" });
  if (typeof context["handler"] !== "function") {
    throw new Error("the CloudFront Function code defines no handler(event)");
  }
  return (request, distributionDomainName) => {
    const before = functionRequest(request);
    // JSON in, so the function gets plain objects of its own realm, as in CloudFront.
    context["__event"] = JSON.stringify({
      version: "1.0",
      context: {
        distributionDomainName,
        distributionId: "E2ELOCALEDGE",
        eventType: "viewer-request",
        requestId: randomUUID(),
      },
      viewer: { ip: request.sourceIp },
      request: before,
    });
    const result = JSON.parse(
      runInContext("JSON.stringify(handler(JSON.parse(__event)))", context, { timeout: 1000 }),
    ) as FunctionRequest | FunctionResponse;
    if ("statusCode" in result) return { response: generatedResponse(result) };
    return { request: applyChanges(request, before, result) };
  };
}

/** A response the function generated, which CloudFront sends without asking the origin. */
function generatedResponse(response: FunctionResponse): HttpAnswer {
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, field]) => [name, field.value]),
  );
  const cookies = Object.entries(response.cookies ?? {}).map(([name, cookie]) =>
    [`${name}=${cookie.value}`, cookie.attributes].filter(Boolean).join("; "),
  );
  const body =
    typeof response.body === "string"
      ? Buffer.from(response.body, "utf8")
      : Buffer.from(
          response.body?.data ?? "",
          response.body?.encoding === "base64" ? "base64" : "utf8",
        );
  return { statusCode: response.statusCode, headers, cookies, body, text: body.toString("utf8") };
}

function functionRequest(request: RawHttpRequest): FunctionRequest {
  const headers: FieldMap = {};
  const cookies: FieldMap = {};
  const querystring: FieldMap = {};
  for (const [name, value] of request.headers) {
    if (name !== "cookie") {
      add(headers, name, value);
      continue;
    }
    for (const pair of value.split(";").map((p) => p.trim())) {
      if (pair !== "") add(cookies, ...nameValue(pair));
    }
  }
  for (const pair of request.rawQueryString.split("&")) {
    if (pair !== "") add(querystring, ...nameValue(pair));
  }
  return { method: request.method, uri: request.rawPath, querystring, headers, cookies };
}

/** `a=b` -> [a, b]; `flag` -> [flag, ""]. */
function nameValue(pair: string): [string, string] {
  const equals = pair.indexOf("=");
  return equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
}

function add(map: FieldMap, name: string, value: string): void {
  const field = map[name];
  if (!field) {
    map[name] = { value };
    return;
  }
  field.multiValue ??= [{ value: field.value }];
  field.multiValue.push({ value });
}

function applyChanges(
  original: RawHttpRequest,
  before: FunctionRequest,
  after: FunctionRequest,
): RawHttpRequest {
  const headers: Array<readonly [string, string]> = fieldPairs(before.headers, after.headers);
  const cookiesChanged = JSON.stringify(before.cookies) !== JSON.stringify(after.cookies);
  if (cookiesChanged) {
    const cookies = fieldPairs(before.cookies, after.cookies).map(([n, v]) => `${n}=${v}`);
    if (cookies.length > 0) headers.push(["cookie", cookies.join("; ")]);
  } else {
    headers.push(...original.headers.filter(([name]) => name === "cookie"));
  }
  const queryChanged = JSON.stringify(before.querystring) !== JSON.stringify(after.querystring);
  return {
    ...original,
    rawPath: after.uri,
    rawQueryString: queryChanged
      ? fieldPairs(before.querystring, after.querystring)
          .map(([name, value]) => `${name}=${value}`)
          .join("&")
      : original.rawQueryString,
    headers,
  };
}

/**
 * CloudFront's rule for repeated names: a changed `multiValue` wins; otherwise a changed `value`
 * replaces the first value and the others stay.
 */
function fieldPairs(before: FieldMap, after: FieldMap): Array<[string, string]> {
  return Object.entries(after).flatMap(([name, field]) => {
    const old = before[name];
    const values = (field.multiValue ?? [{ value: field.value }]).map((v) => v.value);
    const multiValueChanged = JSON.stringify(field.multiValue) !== JSON.stringify(old?.multiValue);
    if (field.multiValue && !multiValueChanged && old && field.value !== old.value) {
      values[0] = field.value;
    }
    return values.map((value): [string, string] => [name, value]);
  });
}
