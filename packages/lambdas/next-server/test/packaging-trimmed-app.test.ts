/**
 * The example-next package that every other test serves from (test/support/global-setup.ts),
 * checked for what trimming and minifying did to it: what each rule left out, what stays, and the
 * report. That the trimmed package still answers every route is what next-app.test.ts shows.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { exclusionReason } from "../src/packaging/select";
import { fixture } from "./support/fixture";

const APP_DIR = path.dirname(require.resolve("example-next/package.json"));
const STANDALONE = path.join(APP_DIR, ".next/standalone");
const NEXT = "apps/example-next/node_modules/next";

let entries: Record<string, Uint8Array>;
beforeAll(() => {
  entries = unzipSync(readFileSync(fixture().zipFile));
});

function standaloneFiles(): string[] {
  return readdirSync(STANDALONE, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) =>
      path.relative(STANDALONE, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"),
    );
}

describe("the trimmed example-next package", () => {
  it.each([
    ["the font metrics only font-utils needs", `${NEXT}/dist/server/capsize-font-metrics.json`],
    ["the edge sandbox", `${NEXT}/dist/server/web/sandbox/context.js`],
    ["the edge-runtime VM", `${NEXT}/dist/compiled/edge-runtime/index.js`],
    ["the edge-runtime primitives", `${NEXT}/dist/compiled/@edge-runtime/primitives/load.js`],
    [
      "the experimental React runtime",
      `${NEXT}/dist/compiled/next-server/app-page-turbo-experimental.runtime.prod.js`,
    ],
    ["the pages router runtime", `${NEXT}/dist/compiled/next-server/pages-turbo.runtime.prod.js`],
    [
      "React DOM's server builds (the app runtime bundles its own)",
      "apps/example-next/node_modules/react-dom/cjs/react-dom-server.edge.production.js",
    ],
    ["the dev server's telemetry", `${NEXT}/dist/telemetry/storage.js`],
    ["the dev server", `${NEXT}/dist/server/dev/hot-reloader-turbopack.js`],
    ["file traces", "apps/example-next/.next/server/app/page.js.nft.json"],
  ])("leaves out %s", (_what, file) => {
    expect(standaloneFiles()).toContain(file); // it was in the standalone build
    expect(entries[file]).toBeUndefined();
  });

  it.each([
    [
      "the app runtime the build's chunks name",
      `${NEXT}/dist/compiled/next-server/app-page-turbo.runtime.prod.js`,
    ],
    ["the route runtime", `${NEXT}/dist/compiled/next-server/app-route-turbo.runtime.prod.js`],
    ["the cookie parser Node.js code uses", `${NEXT}/dist/compiled/@edge-runtime/cookies/index.js`],
    ["the router server the adapter starts", `${NEXT}/dist/server/lib/router-server.js`],
    ["Next.js's package.json", `${NEXT}/package.json`],
  ])("keeps %s", (_what, file) => {
    expect(entries[file]).toBeDefined();
  });

  it("trims only JavaScript and JSON files, never a package.json (licences, data, binaries stay)", () => {
    const trimmed = standaloneFiles().filter(
      (file) =>
        entries[file] === undefined && exclusionReason(file, "apps/example-next") === undefined,
    );
    expect(trimmed.length).toBeGreaterThan(100);
    expect(trimmed.filter((file) => !/\.(?:[cm]?js|json)$/.test(file))).toEqual([]);
    expect(trimmed.filter((file) => file.endsWith("/package.json"))).toEqual([]);
    expect(
      trimmed.filter((file) => !/(?:^|\/)node_modules\/(?:next|react|react-dom)\//.test(file)),
    ).toEqual([]);
  });

  it("ships minified JavaScript with licence comments intact", () => {
    const file = `${NEXT}/dist/server/next-server.js`;
    const original = readFileSync(path.join(STANDALONE, file), "utf8");
    const shipped = Buffer.from(entries[file]!).toString("utf8");
    expect(shipped.length).toBeLessThan(original.length * 0.9);
    expect(shipped).not.toContain("sourceMappingURL");
    expect(shipped).toContain('require("./web/sandbox")'); // code is only reprinted
  });

  it("reports the bytes each rule saved and what minifying saved", () => {
    const log = fixture().packageLog;
    for (const reason of [
      "not loaded by anything the server runs \\(static scan\\)",
      "development builds \\(NODE_ENV is production\\)",
      "React's experimental channel \\(this build's config does not use it\\)",
      "edge runtime sandbox \\(this build has no edge middleware or functions\\)",
      "dev server telemetry \\(the server starts with dev: false\\)",
      "Next.js build-time switches \\(NEXT_RUNTIME and TURBOPACK are unset at runtime\\)",
      "file traces of the build",
    ]) {
      expect(log).toMatch(new RegExp(`left out [1-9]\\d* files \\([\\d.]+ [KM]iB\\): ${reason}`));
    }
    expect(log).toMatch(/minified [1-9]\d* JavaScript files \([\d.]+ [KM]iB less\)/);
    expect(log).not.toMatch(/kept all of/);
  });

  it("is under 7 MiB unzipped (the standalone build without sharp is 17.5 MiB)", () => {
    const unzipped = Object.values(entries).reduce((sum, bytes) => sum + bytes.length, 0);
    expect(unzipped).toBeLessThan(7 * 1024 * 1024);
  });
});
