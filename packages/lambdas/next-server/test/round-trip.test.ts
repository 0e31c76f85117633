/**
 * Properties of event -> Node request -> handler -> Lambda answer, in both modes, for arbitrary
 * query strings, header sets, bodies and cookies.
 */
import fc from "fast-check";
import type { NodeRequestHandler } from "../src/serve";
import { functionUrlEvent } from "./support/events";
import {
  MODES,
  echoHandler,
  httpInProcess,
  inProcessAdapter,
  type Echo,
} from "./support/in-process";

const RUNS = 60;
const echo = inProcessAdapter(echoHandler);

async function echoed(mode: (typeof MODES)[number], event: unknown): Promise<Echo> {
  const answer = await httpInProcess(echo, mode, event);
  expect(answer.statusCode).toBe(200);
  return JSON.parse(answer.text) as Echo;
}

/** Keys and values as browsers encode them, plus raw characters that need no encoding. */
const queryPart = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 8 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9._~!$'()*+,;:@/?-]{0,8}$/),
  fc.stringMatching(/^(?:%[0-9A-F]{2}){1,3}$/),
);
const rawQuery = fc
  .array(fc.tuple(queryPart, fc.option(queryPart, { nil: undefined })), { maxLength: 8 })
  .chain((pairs) =>
    // Repeated keys on purpose: take some keys again.
    fc.subarray(pairs).map((again) => [...pairs, ...again]),
  )
  .map((pairs) =>
    pairs.map(([key, value]) => (value === undefined ? key : `${key}=${value}`)).join("&"),
  );

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const headerValue = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
const internalName = fc
  .tuple(
    fc.constantFrom(
      "x-middleware-subrequest",
      "x-middleware-rewrite",
      "x-middleware-next",
      "x-nextjs-data",
      "x-nextjs-rewrite",
      "x-next-resume-state-length",
      "x-invoke-path",
      "x-invoke-status",
      "x-matched-path",
      "x-now-route-matches",
      "next-resume",
      "x-zonke-edge",
      "x-zonke-anything",
    ),
    fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
  )
  .map(([name, upper]) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));

/** Names the adapter sets or rewrites itself; covered by the header policy tests. */
const MANAGED = new Set([
  "host",
  "cookie",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "x-forwarded-host",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-port",
]);

describe.each(MODES)("round trips (%s mode)", (mode) => {
  it("keeps the raw query string exactly, repeated keys and encoding included", async () => {
    await fc.assert(
      fc.asyncProperty(rawQuery, async (query) => {
        const seen = await echoed(mode, functionUrlEvent({ path: "/echo", query }));
        expect(seen.url).toBe(query === "" ? "/echo" : `/echo?${query}`);
      }),
      { numRuns: RUNS },
    );
  });

  it("passes ordinary headers through and drops internal ones whatever their case", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, headerValue, { maxKeys: 12 }),
        fc.uniqueArray(internalName, { maxLength: 5, selector: (name) => name.toLowerCase() }),
        headerValue,
        async (ordinary, internal, value) => {
          const headers: Record<string, string> = {};
          for (const [name, headerValue] of Object.entries(ordinary)) {
            if (!MANAGED.has(name) && !internal.some((i) => i.toLowerCase() === name)) {
              headers[name] = headerValue;
            }
          }
          for (const name of internal) headers[name] = value;
          const seen = await echoed(mode, functionUrlEvent({ headers }));
          for (const name of internal) expect(seen.headers).not.toHaveProperty(name.toLowerCase());
          for (const [name, headerValue] of Object.entries(headers)) {
            if (!internal.includes(name)) expect(seen.headers[name]).toBe(headerValue);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("delivers any binary body byte for byte, and returns it byte for byte", async () => {
    const mirror: NodeRequestHandler = async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.setHeader("content-type", req.headers["content-type"] ?? "application/octet-stream");
      res.end(Buffer.concat(chunks));
    };
    const adapter = inProcessAdapter(mirror);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom("application/octet-stream", "image/png", "text/plain; charset=utf-8"),
        async (bytes, contentType) => {
          const answer = await httpInProcess(
            adapter,
            mode,
            functionUrlEvent({
              method: "POST",
              body: bytes,
              headers: { "content-type": contentType },
            }),
          );
          expect(answer.body.equals(Buffer.from(bytes))).toBe(true);
          // Text only when it really is UTF-8 text: invalid UTF-8 must travel as base64.
          if (
            mode === "buffered" &&
            bytes.length > 0 &&
            contentType !== "text/plain; charset=utf-8"
          ) {
            expect(answer.isBase64Encoded).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("carries text bodies as text and binary ones as base64 in buffered results", async () => {
    const mirror: NodeRequestHandler = async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      res.setHeader("content-type", "text/plain; charset=utf-8");
      res.end(Buffer.concat(chunks));
    };
    const adapter = inProcessAdapter(mirror);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
        async (text) => {
          const answer = await httpInProcess(
            adapter,
            mode,
            functionUrlEvent({ method: "POST", body: text }),
          );
          expect(answer.text).toBe(text);
          if (mode === "buffered") expect(answer.isBase64Encoded).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("joins the event's cookies into one Cookie header and returns every Set-Cookie apart", async () => {
    const cookie = fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
        fc.stringMatching(/^[A-Za-z0-9!#$%&'()*+\-./:<=>?@[\]^_`{|}~]{0,20}$/),
      )
      .map(([name, value]) => `${name}=${value}`);
    const setCookieAttributes = fc.constantFrom(
      "",
      "; Path=/",
      "; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly",
      "; Max-Age=60; SameSite=Lax, not=a-second-cookie",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(cookie, { maxLength: 8 }),
        fc.array(fc.tuple(cookie, setCookieAttributes), { maxLength: 6 }),
        async (requestCookies, responseCookies) => {
          const setCookies = responseCookies.map(([c, attributes]) => `${c}${attributes}`);
          const adapter = inProcessAdapter(async (req, res) => {
            res.setHeader("x-cookie-header", req.headers["cookie"] ?? "(none)");
            if (setCookies.length > 0) res.setHeader("set-cookie", setCookies);
            res.end();
          });
          const answer = await httpInProcess(
            adapter,
            mode,
            functionUrlEvent({ cookies: requestCookies }),
          );
          expect(answer.headers["x-cookie-header"]).toBe(
            requestCookies.length > 0 ? requestCookies.join("; ") : "(none)",
          );
          expect(answer.cookies).toEqual(setCookies);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
