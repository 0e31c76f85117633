import { PUBLIC_UNICAST_ONLY } from "../src/address-policy";
import { formatIp, parseIp } from "../src/ip-address";
import { createRemoteFetcher } from "../src/remote-fetch";
import { LOOPBACK_ONLY_FOR_TESTS, startUpstream, stubResolver } from "./helpers";

describe("PUBLIC_UNICAST_ONLY refuses", () => {
  test.each([
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254", // instance metadata
    "169.254.170.2", // ECS task metadata
    "100.64.0.1", // carrier-grade NAT
    "100.127.255.255",
    "192.0.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::10.0.0.1", // NAT64 of a private address
    "::127.0.0.1", // IPv4-compatible (deprecated)
    "fc00::1",
    "fd00:ec2::254", // EC2 metadata over IPv6
    "fdff:ffff::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "2001:db8::1",
    "2002:7f00:1::1", // 6to4
    "not-an-ip",
    "",
  ])("%s", (address) => {
    expect(PUBLIC_UNICAST_ONLY.isAllowed(address)).toBe(false);
  });
});

describe("PUBLIC_UNICAST_ONLY allows", () => {
  test.each([
    "93.184.216.34",
    "8.8.8.8",
    "172.15.255.255", // just below 172.16/12
    "172.32.0.1", // just above it
    "100.63.255.255", // just below 100.64/10
    "100.128.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])("%s", (address) => {
    expect(PUBLIC_UNICAST_ONLY.isAllowed(address)).toBe(true);
  });
});

describe("parseIp", () => {
  test.each([
    ["127.0.0.1", "127.0.0.1"],
    ["[::1]", "0:0:0:0:0:0:0:1"],
    ["::ffff:127.0.0.1", "0:0:0:0:0:ffff:7f00:1"],
    ["2001:db8::8:800:200c:417a", "2001:db8:0:0:8:800:200c:417a"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
  ])("%s", (text, expected) => {
    expect(formatIp(parseIp(text) as Uint8Array)).toBe(expected);
  });

  test.each(["1.2.3", "256.1.1.1", "::g", "example.com", "01.2.3.4"])("%s is not an IP", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe("the fetcher connects only to the addresses it checked", () => {
  test("a name unknown to real DNS reaches the stubbed address: DNS is asked once per fetch", async () => {
    const upstream = await startUpstream({ "/a": (_req, res) => res.end("ok") });
    try {
      const resolver = stubResolver({ "pinned.test": ["127.0.0.1"] });
      const fetcher = createRemoteFetcher({
        policy: LOOPBACK_ONLY_FOR_TESTS,
        resolver,
        allowUrl: () => true,
        maxBytes: 1000,
        maxRedirects: 0,
        timeoutMs: 2000,
        connectTimeoutMs: 1000,
      });
      const image = await fetcher.fetch(new URL(`http://pinned.test:${upstream.port}/a`));
      expect(image.body.toString()).toBe("ok");
      expect(resolver.calls).toEqual(["pinned.test"]);
      expect(upstream.requests[0]?.headers.host).toBe(`pinned.test:${upstream.port}`);
    } finally {
      await upstream.close();
    }
  });

  test("the default policy refuses 127.0.0.1 even when the fetcher is told everything is allowed", async () => {
    const upstream = await startUpstream({ "/a": (_req, res) => res.end("ok") });
    try {
      const fetcher = createRemoteFetcher({
        policy: PUBLIC_UNICAST_ONLY,
        resolver: stubResolver({ "sneaky.test": ["127.0.0.1"] }),
        allowUrl: () => true,
        maxBytes: 1000,
        maxRedirects: 3,
        timeoutMs: 2000,
        connectTimeoutMs: 1000,
      });
      for (const target of [
        `http://127.0.0.1:${upstream.port}/a`,
        `http://sneaky.test:${upstream.port}/a`,
      ]) {
        await expect(fetcher.fetch(new URL(target))).rejects.toMatchObject({ status: 400 });
      }
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await upstream.close();
    }
  });
});
