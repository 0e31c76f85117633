import { lambdaResponseHead } from "../src/response-head";

describe("lambdaResponseHead", () => {
  it("puts each Set-Cookie in cookies, joins lists, keeps the first of single fields", () => {
    expect(
      lambdaResponseHead({
        statusCode: 200,
        headers: [
          ["Set-Cookie", "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"],
          ["Vary", "rsc"],
          ["Content-Type", "text/html"],
          ["set-cookie", "b=2"],
          ["vary", "Accept-Encoding"],
          ["Content-Type", "text/plain"],
          ["Location", "/a"],
          ["Location", "/b"],
        ],
      }),
    ).toEqual({
      statusCode: 200,
      headers: { vary: "rsc, Accept-Encoding", "content-type": "text/html", location: "/a" },
      cookies: ["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2"],
    });
  });

  it("drops hop-by-hop fields, those Connection names, and Content-Length", () => {
    expect(
      lambdaResponseHead({
        statusCode: 204,
        headers: [
          ["Connection", "keep-alive, X-Hop"],
          ["Keep-Alive", "timeout=5"],
          ["Transfer-Encoding", "chunked"],
          ["Content-Length", "10"],
          ["X-Hop", "1"],
          ["ETag", '"x"'],
        ],
      }),
    ).toEqual({ statusCode: 204, headers: { etag: '"x"' }, cookies: [] });
  });
});
