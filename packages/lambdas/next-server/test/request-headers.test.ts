import { readEvent } from "../src/event";
import { isInternalHeader, requestHeaders } from "../src/request-headers";
import {
  CLOUDFRONT_IP,
  FUNCTION_URL_HOST,
  fromEdge,
  functionUrlEvent,
  type EventOptions,
} from "./support/events";

function headersFor(options: EventOptions & { event?: Record<string, unknown> }) {
  return requestHeaders(readEvent({ ...functionUrlEvent(options), ...options.event }));
}

describe("request header policy", () => {
  it.each([
    "x-middleware-subrequest",
    "X-Middleware-Subrequest",
    "x-middleware-rewrite",
    "x-middleware-override-headers",
    "X-NEXTJS-DATA",
    "x-nextjs-rewrite",
    "x-next-resume-state-length",
    "x-invoke-path",
    "x-invoke-output",
    "x-matched-path",
    "X-Now-Route-Matches",
    "next-resume",
    "x-zonke-edge",
    "x-zonke-secret",
  ])("drops %s", (name) => {
    const headers = headersFor({ headers: { [name]: "middleware:middleware:middleware" } });
    expect(Object.keys(headers)).not.toContain(name.toLowerCase());
    expect(isInternalHeader(name.toLowerCase())).toBe(true);
  });

  it.each([
    "rsc",
    "next-action",
    "next-router-state-tree",
    "next-url",
    "x-nextjs",
    "x-next",
    "x-matched-paths",
  ])("keeps %s, which is not internal", (name) => {
    expect(headersFor({ headers: { [name]: "1" } })[name]).toBe("1");
  });

  it("ignores x-forwarded-host without the edge mark; the host stays the Function URL's", () => {
    const headers = headersFor({ headers: { "x-forwarded-host": "evil.example" } });
    expect(headers).not.toHaveProperty("x-forwarded-host");
    expect(headers["host"]).toBe(FUNCTION_URL_HOST);
  });

  it("ignores an edge mark other than 1", () => {
    const headers = headersFor({
      headers: { "x-forwarded-host": "evil.example", "x-zonke-edge": "true" },
    });
    expect(headers).not.toHaveProperty("x-forwarded-host");
  });

  it("honours x-forwarded-host with the edge mark, as host too", () => {
    const headers = headersFor({ headers: fromEdge("shop.example") });
    expect(headers["x-forwarded-host"]).toBe("shop.example");
    expect(headers["host"]).toBe("shop.example");
    expect(headers).not.toHaveProperty("x-zonke-edge");
  });

  it("falls back to the domain name when the event has no host header", () => {
    const event = functionUrlEvent();
    delete (event["headers"] as Record<string, string>)["host"];
    expect(requestHeaders(readEvent(event))["host"]).toBe(FUNCTION_URL_HOST);
  });

  it("says https and 443, whatever the viewer claimed", () => {
    const headers = headersFor({
      headers: { "x-forwarded-proto": "http", "x-forwarded-port": "80" },
    });
    expect(headers["x-forwarded-proto"]).toBe("https");
    expect(headers["x-forwarded-port"]).toBe("443");
  });

  it("replaces x-forwarded-for with the peer without the edge mark", () => {
    const headers = headersFor({
      sourceIp: "203.0.113.9",
      headers: { "x-forwarded-for": "10.0.0.1, 203.0.113.9" },
    });
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9");
  });

  it("keeps CloudFront's x-forwarded-for chain with the edge mark, ending with the peer", () => {
    expect(
      headersFor({ headers: { ...fromEdge("a.example"), "x-forwarded-for": "198.51.100.7" } })[
        "x-forwarded-for"
      ],
    ).toBe(`198.51.100.7, ${CLOUDFRONT_IP}`);
    expect(
      headersFor({
        headers: { ...fromEdge("a.example"), "x-forwarded-for": `198.51.100.7, ${CLOUDFRONT_IP}` },
      })["x-forwarded-for"],
    ).toBe(`198.51.100.7, ${CLOUDFRONT_IP}`);
  });

  it("joins the event's cookies into one header after any cookie header", () => {
    expect(headersFor({ cookies: ["a=1", "b=2=3"] })["cookie"]).toBe("a=1; b=2=3");
    expect(headersFor({ cookies: ["b=2"], headers: { cookie: "a=1" } })["cookie"]).toBe("a=1; b=2");
    expect(headersFor({})).not.toHaveProperty("cookie");
  });

  it("sets content-length to the body's real length and drops hop-by-hop headers", () => {
    const headers = headersFor({
      method: "POST",
      body: new Uint8Array([0, 1, 2]),
      headers: {
        "content-length": "999",
        "transfer-encoding": "chunked",
        connection: "upgrade",
        upgrade: "websocket",
        expect: "100-continue",
      },
    });
    expect(headers["content-length"]).toBe("3");
    for (const name of ["transfer-encoding", "connection", "upgrade", "expect"]) {
      expect(headers).not.toHaveProperty(name);
    }
    expect(headersFor({ headers: { "content-length": "5" } })).not.toHaveProperty("content-length");
  });
});
