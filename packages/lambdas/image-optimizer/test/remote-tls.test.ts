import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createRemoteFetcher } from "../src/remote-fetch";
import { LOOPBACK_ONLY_FOR_TESTS, stubResolver } from "./helpers";

// The fetcher must verify certificates (and their names) like any HTTPS client: a self-signed
// upstream is refused. openssl makes the throwaway certificate.
describe("https upstreams", () => {
  let dir: string;
  let server: https.Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "image-optimizer-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
        "-subj",
        "/CN=secure.test",
        "-addext",
        "subjectAltName=DNS:secure.test",
      ],
      { stdio: "ignore" },
    );
    server = https.createServer(
      {
        key: readFileSync(path.join(dir, "key.pem")),
        cert: readFileSync(path.join(dir, "cert.pem")),
      },
      (_req, res) => res.end("image"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test("a certificate no CA vouches for is refused (502), not trusted", async () => {
    const fetcher = createRemoteFetcher({
      policy: LOOPBACK_ONLY_FOR_TESTS,
      resolver: stubResolver({ "secure.test": ["127.0.0.1"] }),
      allowUrl: () => true,
      maxBytes: 1000,
      maxRedirects: 0,
      timeoutMs: 2000,
      connectTimeoutMs: 1000,
    });
    const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
    const url = new URL(`https://secure.test:${port}/a.png`);
    await expect(fetcher.fetch(url)).rejects.toMatchObject({ status: 502 });
    expect(warn.mock.calls.join("\n")).toMatch(/SELF_SIGNED/);
    warn.mockRestore();
  });
});
