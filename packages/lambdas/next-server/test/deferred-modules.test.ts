/**
 * The startup modules loaded on first use (src/deferred-modules.ts): how a stand-in behaves, in
 * a plain Node process (jest has a module loader of its own), and the reviewed list against the
 * real Next.js of the packaged example app.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFERRED_MODULES, REVIEWED_NEXT_VERSIONS } from "../src/deferred-modules";
import { fixture } from "./support/fixture";
import { bundleForNode, inNode } from "./support/in-node";

let root: string;
let bundle: string;

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), "zonke-deferred-")));
  const files: Record<string, string> = {
    // Loading it is observable: it counts.
    "lib/counted.js": `globalThis.loads = (globalThis.loads ?? 0) + 1;
      Object.defineProperty(exports, "__esModule", { value: true });
      exports.greet = (name) => "hello " + name;
      exports.value = 7;`,
    // A CommonJS function with properties, like find-up.
    "lib/find.js": `globalThis.loads = (globalThis.loads ?? 0) + 1;
      module.exports = (x) => "found " + x; module.exports.sync = (x) => "sync " + x;`,
    "lib/plain.js": "module.exports = { plain: true };",
    "main.js": "",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  bundle = bundleForNode("deferred-modules", root);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

// What TypeScript's compiled requires do with a module (as in Next.js's dist files).
const INTEROP = `
  const interopDefault = (obj) => (obj && obj.__esModule ? obj : { default: obj });
`;

describe("a deferred module, in a Node process", () => {
  it("is loaded on first use, and then is the real module", () => {
    const result = inNode(
      bundle,
      `${INTEROP}
      const deferral = exports.deferModules(new Map([
        [path.join(root, "lib/counted.js"), true],
        [path.join(root, "lib/find.js"), false],
      ]));
      const fromMain = createRequire(path.join(root, "main.js"));
      const counted = fromMain("./lib/counted");
      const find = interopDefault(fromMain("./lib/find.js"));
      const before = { loads: globalThis.loads ?? 0, esModule: counted.__esModule, loaded: deferral.loaded() };
      const used = {
        greet: counted.greet("you"),
        value: counted.value,
        has: "greet" in counted,
        keys: Object.keys(counted).sort(),
        call: find.default("x"),
        sync: find.default.sync("y"),
        loads: globalThis.loads,
      };
      const again = fromMain("./lib/counted");
      return {
        before,
        used,
        againIsReal: !(again instanceof Function) && again.greet === counted.greet,
        plain: fromMain("./lib/plain").plain,
        loaded: deferral.loaded().map((file) => path.relative(root, file)).sort(),
      };
    `,
      { root },
    );
    expect(result).toEqual({
      before: { loads: 0, esModule: true, loaded: [] },
      used: {
        greet: "hello you",
        value: 7,
        has: true,
        keys: ["greet", "value"],
        call: "found x",
        sync: "sync y",
        loads: 2,
      },
      againIsReal: true,
      plain: true,
      loaded: ["lib/counted.js", "lib/find.js"],
    });
  });

  it("answers __esModule as the real module does, without loading it", () => {
    const result = inNode(
      bundle,
      `${INTEROP}
      exports.deferModules(new Map([[path.join(root, "lib/find.js"), false]]));
      const find = createRequire(path.join(root, "main.js"))("./lib/find");
      const wrapped = interopDefault(find);
      return { esModule: find.__esModule ?? null, wrapped: typeof wrapped.default, loads: globalThis.loads ?? 0 };
    `,
      { root },
    );
    expect(result).toEqual({ esModule: null, wrapped: "function", loads: 0 });
  });

  it("leaves the modules alone for a Next.js that was not reviewed", () => {
    const app = path.join(root, "app");
    const next = path.join(app, "node_modules", "next");
    mkdirSync(next, { recursive: true });
    writeFileSync(path.join(next, "package.json"), '{"name":"next","version":"15.5.0"}');
    const result = inNode(bundle, `return exports.deferNextModules(app) === undefined;`, { app });
    expect(result).toBe(true);
  });
});

describe("the reviewed list, against the packaged Next.js", () => {
  const appDir = () => path.join(fixture().taskRoot, "apps/example-next");
  const nextDir = () => path.join(appDir(), "node_modules/next");

  it("is for the Next.js version the app uses", () => {
    const { version } = JSON.parse(readFileSync(path.join(nextDir(), "package.json"), "utf8"));
    expect(REVIEWED_NEXT_VERSIONS.some((minor) => version.startsWith(`${minor}.`))).toBe(true);
  });

  it("names modules the package holds, each with its real __esModule", () => {
    const files = DEFERRED_MODULES.map((entry) => path.join(nextDir(), entry.file));
    const real = inNode(
      bundle,
      `
      process.env.NODE_ENV = "production";
      return files.map((file) => require(file).__esModule === true);
    `,
      { files },
    );
    expect(real).toEqual(DEFERRED_MODULES.map((entry) => entry.esModule));
  });

  it("defers all of them for the packaged app", () => {
    const result = inNode(
      bundle,
      `
      const deferral = exports.deferNextModules(app);
      return deferral && deferral.files.map((file) => path.relative(app, file));
    `,
      { app: appDir() },
    );
    expect(result).toEqual(DEFERRED_MODULES.map((entry) => `node_modules/next/${entry.file}`));
  });
});
