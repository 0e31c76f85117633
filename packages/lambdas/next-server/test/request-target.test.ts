import fc from "fast-check";
import { requestTarget } from "../src/request-target";

describe("requestTarget", () => {
  it("keeps encoded paths and query strings byte for byte", () => {
    expect(requestTarget("/echo", "a=1&a=2&b=x%20y&c=%E2%9C%93&d&=e&f==g")).toBe(
      "/echo?a=1&a=2&b=x%20y&c=%E2%9C%93&d&=e&f==g",
    );
    expect(requestTarget("/a%2Fb/%25/c%3F", "")).toBe("/a%2Fb/%25/c%3F");
    expect(requestTarget("/", "q=a+b&r=%zz")).toBe("/?q=a+b&r=%zz");
  });

  it("escapes what an HTTP API's decoded path may contain", () => {
    // HTTP APIs decode rawPath: a literal ? or # would otherwise split the URL.
    expect(requestTarget("/users/me?admin=true", "")).toBe("/users/me%3Fadmin=true");
    expect(requestTarget("/orders#top", "page=2")).toBe("/orders%23top?page=2");
    expect(requestTarget("/caf\u00e9 menu/100%", "")).toBe("/caf%C3%A9%20menu/100%25");
  });

  it("escapes only what cannot stand in a query string", () => {
    expect(requestTarget("/", "q=caf\u00e9 au lait#1")).toBe("/?q=caf%C3%A9%20au%20lait%231");
  });

  it("never leaves a character that would end or split the URL", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (path, query) => {
        const target = requestTarget(`/${path}`, query);
        expect(target).toMatch(/^\/[\x21-\x7e]*$/);
        expect(target.indexOf("#")).toBe(-1);
        expect(target.split("?")[0]).toBe(requestTarget(`/${path}`, ""));
      }),
    );
  });
});
