import { IMAGE_PATH, viewerRequestCode } from "../src";

type Headers = Record<string, { value: string }>;
interface Request {
  uri: string;
  headers: Headers;
  querystring: Record<string, { value: string; multiValue?: { value: string }[] }>;
}

// The function's source runs as CloudFront would run it: a script defining `handler`.
const handler = new Function(`${viewerRequestCode(IMAGE_PATH)}\nreturn handler;`)() as (event: {
  request: Request;
}) => Request;

const request = (uri: string, headers: Headers = {}, querystring: Request["querystring"] = {}) =>
  handler({
    request: { uri, headers: { host: { value: "shop.example.com" }, ...headers }, querystring },
  });

describe("the viewer-request function", () => {
  it("passes the viewer's host as x-forwarded-host, replacing a spoofed one", () => {
    const out = request("/", { "x-forwarded-host": { value: "evil.example" } });
    expect(out.headers["x-forwarded-host"]).toEqual({ value: "shop.example.com" });
  });

  it("marks the request as coming through CloudFront, whatever mark the viewer sent", () => {
    const out = request("/", {
      "x-zonke-edge": { value: "forged" },
      "x-zonke-other": { value: "1" },
    });
    expect(out.headers["x-zonke-edge"]).toEqual({ value: "1" });
    expect(out.headers["x-zonke-other"]).toBeUndefined();
  });

  it("drops Next.js internal headers a viewer sends", () => {
    const out = request("/dashboard", {
      "x-middleware-subrequest": { value: "middleware:middleware:middleware" },
      "x-middleware-prefetch": { value: "1" },
      "x-nextjs-data": { value: "1" },
      "x-matched-path": { value: "/admin" },
      "x-now-route-matches": { value: "x" },
      "x-invoke-path": { value: "/admin" },
      "x-request-id": { value: "keep-me" },
    });
    expect(Object.keys(out.headers).sort()).toEqual([
      "host",
      "x-forwarded-host",
      "x-request-id",
      "x-zonke-edge",
    ]);
  });

  it("keeps only url, w and q on image requests, repeats included", () => {
    const out = request(
      "/_next/image",
      {},
      {
        url: { value: "/a.png" },
        w: { value: "640", multiValue: [{ value: "640" }, { value: "750" }] },
        q: { value: "75" },
        utm_source: { value: "mail" },
        cachebuster: { value: "1" },
      },
    );
    expect(Object.keys(out.querystring).sort()).toEqual(["q", "url", "w"]);
    expect(out.querystring.w!.multiValue).toHaveLength(2);
  });

  it.each([
    ["image/avif,image/webp,image/apng,*/*;q=0.8", "image/avif,image/webp"],
    ["image/webp,image/avif", "image/avif,image/webp"],
    ["image/avif,*/*", "image/avif"],
    ["image/webp,*/*", "image/webp"],
    ["text/html", "*/*"],
    [undefined, "*/*"],
  ])("normalises Accept %s to %s for images", (accept, expected) => {
    const out = request("/_next/image", accept ? { accept: { value: accept } } : {}, {
      url: { value: "/a.png" },
    });
    expect(out.headers.accept).toEqual({ value: expected });
  });

  it("leaves other paths' query strings and Accept alone", () => {
    const out = request(
      "/search",
      { accept: { value: "text/html" } },
      { term: { value: "shoes" } },
    );
    expect(out.querystring).toEqual({ term: { value: "shoes" } });
    expect(out.headers.accept).toEqual({ value: "text/html" });
  });
});
