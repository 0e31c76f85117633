/**
 * The packages whose unreachable files the packager leaves out (./prune.ts), each with the
 * computed loads in its code that were read and found to load only files the package keeps anyway
 * (the app's `.next/`, its package.json, what its config names) or nothing on a server started
 * with dev: false. A computed load anywhere else in reachable code keeps the whole package: a new
 * release gets the smaller package only after someone reads its new loads.
 *
 * Every other package ships whole: their code may read files by paths no scan can see (workers,
 * WebAssembly, data files next to `__dirname`).
 *
 * Reviewed against Next.js 16.4 and React 19.3 (file -> what its computed loads load).
 */
export interface ReviewedPackage {
  readonly computedLoads: ReadonlyMap<string, string>;
}

/** The compiled route-module runtimes, in every variant (each has one `e => import(e)`). */
const NEXT_RUNTIMES = ["app-page", "app-route", "pages", "pages-api"].flatMap((kind) =>
  ["", "-turbo"].flatMap((bundler) =>
    ["", "-experimental"].map(
      (channel) => `dist/compiled/next-server/${kind}${bundler}${channel}.runtime.prod.js`,
    ),
  ),
);

const NEXT_COMPUTED_LOADS: ReadonlyMap<string, string> = new Map([
  [
    "dist/build/next-config-ts/transpile-config.js",
    "the app's next.config.ts, at build time; the standalone server gets the config from required-server-files.json",
  ],
  [
    "dist/build/swc/index.js",
    "SWC's native or WebAssembly bindings (@next/swc-*), used by next build and next dev, and not traced",
  ],
  ...NEXT_RUNTIMES.map(
    (runtime) =>
      [
        runtime,
        "route modules and cache handlers, by the paths in .next manifests and the config (bundled server/route-modules/route-module.js)",
      ] as const,
  ),
  [
    "dist/server/route-modules/route-module.js",
    "route modules and cache handlers by the paths in .next manifests and the config",
  ],
  [
    "dist/export/helpers/create-incremental-cache.js",
    "the config's cacheHandler and cacheHandlers (scan entries: see ./configured-modules.ts)",
  ],
  [
    "dist/lib/verify-typescript-setup.js",
    "the project's typescript, at build time and in next dev",
  ],
  [
    "dist/server/config.js",
    "next.config and adapterPath, at build time and in next dev; the standalone server gets the config from required-server-files.json",
  ],
  [
    "dist/server/lib/module-loader/node-module-loader.js",
    "route modules in .next/server, by the paths in its manifests",
  ],
  [
    "dist/server/lib/render-server.js",
    "NEXT_PRIVATE_DEBUG_CACHE_ENTRY_HANDLERS, only under __NEXT_TEST_MODE (Next.js's own tests)",
  ],
  [
    "dist/server/lib/router-utils/instrumentation-globals.external.js",
    ".next/server/instrumentation.js",
  ],
  [
    "dist/server/next-server.js",
    "middleware-manifest.json, functions-config-manifest.json and middleware.js in .next/server, and route modules by the paths in the manifests",
  ],
  ["dist/server/next.js", ".next/required-server-files.json"],
  ["dist/server/require.js", "pages in .next/server, by the paths in pages-manifest.json"],
  ["dist/telemetry/events/plugins.js", "the app's package.json"],
  ["dist/telemetry/events/swc-load-failure.js", "package.json files, which always ship"],
]);

export const REVIEWED_PACKAGES: ReadonlyMap<string, ReviewedPackage> = new Map([
  ["next", { computedLoads: NEXT_COMPUTED_LOADS }],
  // Their index.js files choose a build by NODE_ENV with literal requires; nothing is computed.
  ["react", { computedLoads: new Map() }],
  ["react-dom", { computedLoads: new Map() }],
  ["scheduler", { computedLoads: new Map() }],
]);

/**
 * Next.js's require hook (dist/server/require-hook.js, installed when the adapter requires
 * `next`) sends `<anything>/<name>.shared-runtime` to the pages router's vendored contexts.
 */
export function nextRequireHookAlias(specifier: string): string | undefined {
  const suffix = ".shared-runtime";
  if (!specifier.endsWith(suffix)) return undefined;
  const name = specifier.slice(specifier.lastIndexOf("/") + 1, -suffix.length);
  return `next/dist/server/route-modules/pages/vendored/contexts/${name}`;
}
