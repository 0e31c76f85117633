/**
 * trimUnreachable on a small fake standalone build shaped like Next.js 16's (the same require
 * sites, switches and manifests, with tiny bodies): each rule leaves its files out only under its
 * condition, and keeps them when the build, the config or another file still needs them.
 */
import { trimUnreachable } from "../src/packaging/trim";

const APP = "apps/web";
const NEXT = `${APP}/node_modules/next`;
const REACT = `${APP}/node_modules/react`;

const REASONS = {
  unreachable: "not loaded by anything the server runs (static scan)",
  development: "development builds (NODE_ENV is production)",
  experimental: "React's experimental channel (this build's config does not use it)",
  edge: "edge runtime sandbox (this build has no edge middleware or functions)",
  devServer: "dev server telemetry (the server starts with dev: false)",
  switches: "Next.js build-time switches (NEXT_RUNTIME and TURBOPACK are unset at runtime)",
};

// Next.js's own predicate (next/dist/lib/needs-experimental-react.js in 16.4).
const NEEDS_EXPERIMENTAL_REACT = `exports.needsExperimentalReact = function needsExperimentalReact(config) {
  const { blockingSSR, taint, transitionIndicator, gestureTransition } = config.experimental || {};
  return Boolean(blockingSSR || taint || transitionIndicator || gestureTransition);
};`;

// server/route-modules/app-page/module.compiled.js, shortened to the production branches.
const MODULE_COMPILED = `if (process.env.NEXT_RUNTIME === 'edge') {
  module.exports = require('next/dist/server/route-modules/app-page/module.js');
} else if (process.env.__NEXT_EXPERIMENTAL_REACT) {
  if (process.env.TURBOPACK) module.exports = require('next/dist/compiled/next-server/app-page-turbo-experimental.runtime.prod.js');
  else module.exports = require('next/dist/compiled/next-server/app-page-experimental.runtime.prod.js');
} else {
  if (process.env.TURBOPACK) module.exports = require('next/dist/compiled/next-server/app-page-turbo.runtime.prod.js');
  else module.exports = require('next/dist/compiled/next-server/app-page.runtime.prod.js');
}`;

interface FakeBuild {
  readonly experimental?: Record<string, unknown>;
  readonly middlewareManifest?: Record<string, unknown>;
  readonly functionsConfig?: Record<string, unknown>;
  /** Extra files (package path -> text). */
  readonly extra?: Record<string, string>;
}

function fakeBuild(options: FakeBuild = {}): Map<string, Uint8Array> {
  const text: Record<string, string> = {
    [`${APP}/server.js`]: "require('next'); require('next/dist/server/lib/start-server');",
    [`${APP}/package.json`]: "{}",
    [`${APP}/.next/required-server-files.json`]: JSON.stringify({
      config: { experimental: options.experimental ?? {} },
    }),
    [`${APP}/.next/server/middleware-manifest.json`]: JSON.stringify(
      options.middlewareManifest ?? { version: 3, middleware: {}, functions: {} },
    ),
    [`${APP}/.next/server/functions-config-manifest.json`]: JSON.stringify(
      options.functionsConfig ?? { version: 1, functions: {} },
    ),
    // A Turbopack chunk names the runtime it needs literally, and React through an external.
    [`${APP}/.next/server/app/page.js`]:
      'module.exports = [e => e.x("next/dist/compiled/next-server/app-page-turbo.runtime.prod.js", () => require("next/dist/compiled/next-server/app-page-turbo.runtime.prod.js")), e => e.x("react", () => require("react"))];',

    [`${NEXT}/package.json`]: '{"name":"next","main":"./dist/server/next.js"}',
    [`${NEXT}/license.md`]: "MIT",
    [`${NEXT}/dist/server/next.js`]: "require('./next-server'); require('./require-hook');",
    [`${NEXT}/dist/server/require-hook.js`]: "module.exports = {};",
    [`${NEXT}/dist/server/lib/start-server.js`]: "require('./router-server');",
    [`${NEXT}/dist/server/lib/router-server.js`]: `require('../next-server');
      exports.initialize = function initialize(opts) {
        if (opts.dev) { const { Telemetry } = require('../../telemetry/storage'); return new Telemetry(); }
      };`,
    [`${NEXT}/dist/telemetry/storage.js`]:
      'require("next/dist/compiled/@edge-runtime/ponyfill"); exports.Telemetry = class Telemetry {};',
    [`${NEXT}/dist/compiled/@edge-runtime/ponyfill/index.js`]:
      "module.exports = typeof EdgeRuntime === 'string' ? {} : require(\"next/dist/compiled/@edge-runtime/primitives\");",
    [`${NEXT}/dist/compiled/@edge-runtime/primitives/index.js`]: "module.exports = {};",
    [`${NEXT}/dist/compiled/@edge-runtime/cookies/index.js`]: "module.exports = {};",
    [`${NEXT}/dist/server/next-server.js`]: `require("next/dist/compiled/@edge-runtime/cookies");
      require('./route-modules/app-page/module.compiled');
      exports.runEdgeFunction = function runEdgeFunction() { const { run } = require('./web/sandbox'); return run(); };`,
    [`${NEXT}/dist/server/web/sandbox/index.js`]: "exports.run = require('./context').run;",
    [`${NEXT}/dist/server/web/sandbox/context.js`]:
      'exports.run = () => require("next/dist/compiled/edge-runtime");',
    [`${NEXT}/dist/compiled/edge-runtime/index.js`]: "module.exports = {};",
    [`${NEXT}/dist/server/font-utils.js`]:
      "module.exports = require('next/dist/server/capsize-font-metrics.json');",
    [`${NEXT}/dist/server/capsize-font-metrics.json`]: '{"arial":{}}',
    [`${NEXT}/dist/server/route-modules/app-page/module.compiled.js`]: MODULE_COMPILED,
    [`${NEXT}/dist/server/route-modules/app-page/module.js`]:
      "require('../../app-render/app-render');",
    [`${NEXT}/dist/server/app-render/app-render.js`]: "module.exports = {};",
    [`${NEXT}/dist/compiled/next-server/app-page-turbo.runtime.prod.js`]:
      "let load = e => import(e); module.exports = { load };",
    [`${NEXT}/dist/compiled/next-server/app-page-turbo-experimental.runtime.prod.js`]:
      "let load = e => import(e); module.exports = { load };",
    [`${NEXT}/dist/compiled/@vercel/og/resvg.wasm`]: "wasm",
    [`${NEXT}/dist/lib/needs-experimental-react.js`]: NEEDS_EXPERIMENTAL_REACT,

    [`${REACT}/package.json`]: '{"name":"react","main":"index.js"}',
    [`${REACT}/LICENSE`]: "MIT",
    [`${REACT}/index.js`]: `if (process.env.NODE_ENV === 'production') {
        module.exports = require('./cjs/react.production.js');
      } else {
        module.exports = require('./cjs/react.development.js');
      }`,
    [`${REACT}/cjs/react.production.js`]: "exports.version = '19';",
    [`${REACT}/cjs/react.development.js`]: "exports.version = '19';",
    ...options.extra,
  };
  return new Map(Object.entries(text).map(([file, body]) => [file, Buffer.from(body)]));
}

/** Trims a fake build; returns what was left out (file -> reason) and the notes. */
function trim(options?: FakeBuild) {
  const files = fakeBuild(options);
  const before = new Set(files.keys());
  const result = trimUnreachable(files, APP);
  const leftOut = [...before].filter((file) => !files.has(file));
  return { files, leftOut, result };
}

describe("trimUnreachable on a Next.js-shaped build without edge functions", () => {
  const { files, leftOut, result } = trim();

  it("leaves out exactly the files no rule keeps, under the rule that let each go", () => {
    expect(leftOut.sort()).toEqual(
      [
        `${NEXT}/dist/server/font-utils.js`,
        `${NEXT}/dist/server/capsize-font-metrics.json`,
        `${NEXT}/dist/lib/needs-experimental-react.js`, // only next build calls it
        `${REACT}/cjs/react.development.js`,
        `${NEXT}/dist/compiled/next-server/app-page-turbo-experimental.runtime.prod.js`,
        `${NEXT}/dist/server/web/sandbox/index.js`,
        `${NEXT}/dist/server/web/sandbox/context.js`,
        `${NEXT}/dist/compiled/edge-runtime/index.js`,
        `${NEXT}/dist/telemetry/storage.js`,
        `${NEXT}/dist/compiled/@edge-runtime/ponyfill/index.js`,
        `${NEXT}/dist/compiled/@edge-runtime/primitives/index.js`,
        `${NEXT}/dist/server/route-modules/app-page/module.js`,
        `${NEXT}/dist/server/app-render/app-render.js`,
      ].sort(),
    );
    expect(Object.fromEntries(result.leftOut)).toEqual({
      [REASONS.unreachable]: { files: 3, bytes: expect.any(Number) },
      [REASONS.development]: { files: 1, bytes: expect.any(Number) },
      [REASONS.experimental]: { files: 1, bytes: expect.any(Number) },
      [REASONS.edge]: { files: 3, bytes: expect.any(Number) },
      [REASONS.devServer]: { files: 3, bytes: expect.any(Number) },
      [REASONS.switches]: { files: 2, bytes: expect.any(Number) },
    });
    expect(result.notes).toEqual([]);
  });

  it("counts the bytes of what it left out for each rule", () => {
    const sizes = [
      "dist/server/capsize-font-metrics.json",
      "dist/server/font-utils.js",
      "dist/lib/needs-experimental-react.js",
    ].map((file) => fakeBuild().get(`${NEXT}/${file}`)!.length);
    expect(result.leftOut.get(REASONS.unreachable)!.bytes).toBe(sizes[0]! + sizes[1]! + sizes[2]!);
  });

  it("keeps what the server loads, licences, package.json files and files that are not code", () => {
    for (const kept of [
      `${NEXT}/dist/server/next-server.js`,
      `${NEXT}/dist/compiled/@edge-runtime/cookies/index.js`, // required by Node.js code too
      `${NEXT}/dist/compiled/next-server/app-page-turbo.runtime.prod.js`,
      `${NEXT}/dist/server/route-modules/app-page/module.compiled.js`,
      `${NEXT}/license.md`,
      `${NEXT}/package.json`,
      `${NEXT}/dist/compiled/@vercel/og/resvg.wasm`,
      `${REACT}/cjs/react.production.js`,
      `${REACT}/LICENSE`,
      `${APP}/.next/server/app/page.js`,
    ]) {
      expect(files.has(kept)).toBe(true);
    }
  });
});

describe("each rule holds only under its condition", () => {
  it("keeps the edge sandbox when the build has edge middleware", () => {
    const { leftOut, result } = trim({
      middlewareManifest: {
        version: 3,
        middleware: { "/": { name: "middleware" } },
        functions: {},
      },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/web/sandbox/index.js`);
    expect(leftOut).not.toContain(`${NEXT}/dist/compiled/edge-runtime/index.js`);
    expect(result.notes).toContain("kept the edge runtime: edge middleware /");
  });

  it("keeps the edge sandbox when the build has an edge function", () => {
    const { leftOut } = trim({
      middlewareManifest: { version: 3, middleware: {}, functions: { "/api/edge": {} } },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/web/sandbox/context.js`);
  });

  it("keeps the edge sandbox when functions-config-manifest.json names an edge runtime", () => {
    const { leftOut, result } = trim({
      functionsConfig: { version: 1, functions: { "/api/edge": { runtime: "edge" } } },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/compiled/edge-runtime/index.js`);
    expect(result.notes).toContain("kept the edge runtime: edge function /api/edge");
  });

  it("keeps the edge sandbox when another file requires it", () => {
    const { leftOut } = trim({
      extra: {
        [`${APP}/node_modules/edge-tools/index.js`]: "require('next/dist/server/web/sandbox');",
      },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/web/sandbox/index.js`);
    expect(leftOut).not.toContain(`${NEXT}/dist/compiled/edge-runtime/index.js`);
  });

  it("keeps a webpack build's experimental runtime when the config enables the channel", () => {
    // module.compiled.js picks the webpack runtimes with TURBOPACK unset.
    const webpack = {
      [`${NEXT}/dist/compiled/next-server/app-page.runtime.prod.js`]: "module.exports = {};",
      [`${NEXT}/dist/compiled/next-server/app-page-experimental.runtime.prod.js`]:
        "module.exports = {};",
    };
    const experimental = `${NEXT}/dist/compiled/next-server/app-page-experimental.runtime.prod.js`;
    const stable = trim({ extra: webpack });
    expect(stable.leftOut).toContain(experimental);
    expect(stable.leftOut).not.toContain(
      `${NEXT}/dist/compiled/next-server/app-page.runtime.prod.js`,
    );
    expect(stable.result.leftOut.get(REASONS.experimental)!.files).toBe(2);

    const enabled = trim({ extra: webpack, experimental: { taint: true } });
    expect(enabled.leftOut).not.toContain(experimental);
    expect(enabled.result.notes).toContain(
      "kept React's experimental channel: the config enables it",
    );
  });

  it("keeps the experimental runtime when the build's chunks name it", () => {
    const { leftOut } = trim({
      extra: {
        [`${APP}/.next/server/app/lab/page.js`]:
          'require("next/dist/compiled/next-server/app-page-turbo-experimental.runtime.prod.js");',
      },
    });
    expect(leftOut).not.toContain(
      `${NEXT}/dist/compiled/next-server/app-page-turbo-experimental.runtime.prod.js`,
    );
  });

  it("keeps the telemetry store when code other than the router server requires it", () => {
    const { leftOut } = trim({
      extra: { [`${NEXT}/dist/server/lib/other.js`]: "require('../../telemetry/storage');" },
    });
    // other.js itself is unreachable, so its require changes nothing...
    expect(leftOut).toContain(`${NEXT}/dist/telemetry/storage.js`);
    const reached = trim({
      extra: {
        [`${NEXT}/dist/server/lib/other.js`]: "require('../../telemetry/storage');",
        [`${APP}/.next/server/app/other.js`]: 'require("next/dist/server/lib/other.js");',
      },
    });
    // ...until the server can reach it.
    expect(reached.leftOut).not.toContain(`${NEXT}/dist/telemetry/storage.js`);
  });

  it("keeps capsize-font-metrics.json when something the server loads requires font-utils", () => {
    const { leftOut } = trim({
      extra: { [`${APP}/node_modules/fonts/index.js`]: "require('next/dist/server/font-utils');" },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/capsize-font-metrics.json`);
  });
});

describe("what counts as a reference", () => {
  it("follows string literals that name a module, not only require calls", () => {
    const { leftOut } = trim({
      extra: {
        // Turbopack's ESM externals and require.resolve name modules without a require call.
        [`${APP}/.next/server/app/esm.js`]:
          'module.exports = (e) => e.y("next/dist/server/font-utils.js");',
      },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/font-utils.js`);
    expect(leftOut).not.toContain(`${NEXT}/dist/server/capsize-font-metrics.json`);
  });

  it("keeps every file under the static start of a computed path", () => {
    const { leftOut } = trim({
      extra: {
        [`${NEXT}/dist/server/locale.js`]:
          "module.exports = (name) => require(`./locales/${name}.js`);",
        [`${NEXT}/dist/server/locales/en.js`]: "module.exports = 'en';",
        [`${NEXT}/dist/server/locales/fr.js`]: "module.exports = 'fr';",
        [`${APP}/.next/server/app/i18n.js`]: 'require("next/dist/server/locale.js");',
      },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/locales/en.js`);
    expect(leftOut).not.toContain(`${NEXT}/dist/server/locales/fr.js`);
  });

  it("follows Next.js's require hook from <name>.shared-runtime to the vendored contexts", () => {
    const vendored = `${NEXT}/dist/server/route-modules/pages/vendored/contexts/head-manager-context.js`;
    const { leftOut } = trim({
      extra: {
        [vendored]: "module.exports = {};",
        [`${APP}/node_modules/ui/index.js`]:
          'require("next/dist/shared/lib/head-manager-context.shared-runtime");',
      },
    });
    expect(leftOut).not.toContain(vendored);
  });

  it("keeps a whole reviewed package when reachable code loads a computed path nobody reviewed", () => {
    const { leftOut, result } = trim({
      extra: {
        [`${NEXT}/dist/server/plugins.js`]: "module.exports = (id) => require(id);",
        [`${APP}/.next/server/app/plugins.js`]: 'require("next/dist/server/plugins.js");',
      },
    });
    expect(leftOut.filter((file) => file.startsWith(`${NEXT}/`))).toEqual([]);
    expect(leftOut).toContain(`${REACT}/cjs/react.development.js`); // React is still trimmed
    expect(result.notes).toEqual([
      `kept all of ${NEXT}: unreviewed computed loads in dist/server/plugins.js line 1`,
    ]);
  });

  it("reads a file esbuild cannot parse from its text, and keeps its package if it is reviewed", () => {
    const { leftOut, result } = trim({
      extra: {
        // Not JavaScript esbuild accepts, but the server could still load what it names.
        [`${APP}/node_modules/legacy/index.js`]:
          "with (globalThis) { require('next/dist/server/font-utils'); }\nexport default 1;",
        [`${NEXT}/dist/server/odd.js`]: "module.exports = function ( {;",
        [`${APP}/.next/server/app/odd.js`]: 'require("next/dist/server/odd.js");',
      },
    });
    expect(leftOut).not.toContain(`${NEXT}/dist/server/capsize-font-metrics.json`);
    expect(leftOut.filter((file) => file.startsWith(`${NEXT}/`))).toEqual([]);
    expect(result.notes).toEqual([
      `kept all of ${NEXT}: unreviewed computed loads in dist/server/odd.js (esbuild cannot parse it)`,
    ]);
  });

  it("ignores computed loads in code the server cannot reach", () => {
    const { leftOut, result } = trim({
      extra: { [`${NEXT}/dist/server/plugins.js`]: "module.exports = (id) => require(id);" },
    });
    expect(leftOut).toContain(`${NEXT}/dist/server/plugins.js`);
    expect(result.notes).toEqual([]);
  });

  it("never leaves out files of packages it has not reviewed", () => {
    const { leftOut } = trim({
      extra: {
        "node_modules/pino/lib/worker.js": "module.exports = 1;",
        "node_modules/pino/package.json": '{"name":"pino"}',
      },
    });
    expect(leftOut).not.toContain("node_modules/pino/lib/worker.js");
  });

  it("keeps a module that the config names as a cache handler, and what it requires", () => {
    const handler = `${NEXT}/dist/server/lib/incremental-cache/custom-handler.js`;
    const { leftOut } = trim({
      extra: {
        [`${APP}/.next/required-server-files.json`]: JSON.stringify({
          config: {
            experimental: {},
            cacheHandler: "node_modules/next/dist/server/lib/incremental-cache/custom-handler.js",
          },
        }),
        [handler]: "require('../../font-utils');",
      },
    });
    expect(leftOut).not.toContain(handler);
    expect(leftOut).not.toContain(`${NEXT}/dist/server/font-utils.js`);
  });
});
