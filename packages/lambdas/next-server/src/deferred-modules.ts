/**
 * Modules that Next.js's standalone server requires at startup but runs only to build, to develop,
 * to load a `next.config` file (a standalone server never does: its config comes from
 * `required-server-files.json`), or to send `public/` and `.next/static` files (the package leaves
 * those to CloudFront and S3): they are loaded when first used instead. Each `require` of one
 * returns a stand-in that loads the real module on the first access to it (a property, a call,
 * `in`, its keys) and from then on is a window onto it. Everything the module does happens, only
 * later: none of them has an effect at load beyond defining its exports (serve-static's
 * `mime.define` is on its own copy of `send`).
 *
 * About a 16th of the cold start for example-next. Reviewed for Next.js 16.4, by file, with what
 * each is for and what its exports look like; with another version of Next.js nothing is deferred
 * (the test suite checks the list against the real modules).
 *
 * The one thing the stand-in answers without loading is `__esModule`, which the compiled
 * `require` helpers read at once (`_interop_require_default`): it is the real module's, from the
 * review. A stand-in is a function, so that a module that is one (find-up) can be called.
 */
import { readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";

export interface DeferredModule {
  /** Inside the `next` package. */
  readonly file: string;
  /** The real module's `__esModule`. */
  readonly esModule: boolean;
  /** What it is for, and why the standalone server does not need it at startup. */
  readonly why: string;
}

/** The versions of Next.js (major.minor) this list was reviewed for. */
export const REVIEWED_NEXT_VERSIONS: readonly string[] = ["16.4"];

export const DEFERRED_MODULES: readonly DeferredModule[] = [
  {
    file: "dist/build/next-config-ts/transpile-config.js",
    esModule: true,
    why: "compiles next.config.ts (server/config.js loadConfig, without a standalone config); it loads the TypeScript config reader and comment-json",
  },
  {
    file: "dist/shared/lib/zod.js",
    esModule: true,
    why: "formats config validation errors (server/config.js, without a standalone config); it loads zod",
  },
  {
    file: "dist/compiled/semver/index.js",
    esModule: false,
    why: "version checks of next build, next dev and the upgrade nudges (server/config.js assignDefaults)",
  },
  {
    file: "dist/compiled/find-up/index.js",
    esModule: false,
    why: "finds next.config and project files (server/config.js, lib/find-root.js) for next build and next dev",
  },
  {
    file: "dist/server/ci-info.js",
    esModule: true,
    why: "CI detection for next build and the dev upgrade nudge (server/config.js, server/lib/router-server.js when dev)",
  },
  {
    file: "dist/server/serve-static.js",
    esModule: true,
    why: "sends public/ and .next/static files (router-server), which the package leaves to CloudFront and S3; it loads send",
  },
];

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

interface ModuleInternals {
  _load: Load;
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
  _cache: Record<string, unknown>;
}

export interface InstalledDeferral {
  /** Files deferred (absolute). */
  readonly files: readonly string[];
  /** Of those, the ones loaded since (by first use). */
  loaded(): string[];
  /** Puts Node's loader back (tests). */
  uninstall(): void;
}

/**
 * Defers the reviewed modules of the `next` package that `appDir` resolves, if its version was
 * reviewed; undefined otherwise (then nothing changes).
 */
export function deferNextModules(appDir: string): InstalledDeferral | undefined {
  const requireFromApp = Module.createRequire(path.join(appDir, "server.js"));
  const nextDir = path.dirname(requireFromApp.resolve("next/package.json"));
  const { version } = JSON.parse(readFileSync(path.join(nextDir, "package.json"), "utf8")) as {
    version?: string;
  };
  const reviewed = REVIEWED_NEXT_VERSIONS.some((minor) => version?.startsWith(`${minor}.`));
  if (!reviewed) return undefined;
  return deferModules(
    new Map(DEFERRED_MODULES.map((entry) => [path.join(nextDir, entry.file), entry.esModule])),
  );
}

/** Defers the modules at these absolute paths (-> their `__esModule`). */
export function deferModules(modules: ReadonlyMap<string, boolean>): InstalledDeferral {
  const internals = Module as unknown as ModuleInternals;
  const original = internals._load;
  // Only a request that could name one of them is resolved here first.
  const basenames = new Set(
    [...modules.keys()].flatMap((file) => {
      const base = path.basename(file, ".js");
      return base === "index" ? [path.basename(path.dirname(file))] : [base];
    }),
  );
  const mayBeDeferred = (request: string) => {
    const parts = request.split("/");
    const last = parts[parts.length - 1]!.replace(/\.js$/, "");
    return basenames.has(last === "index" ? (parts[parts.length - 2] ?? "") : last);
  };
  const standIns = new Map<string, unknown>();
  const loaded = new Set<string>();

  const load: Load = function (this: unknown, request, parent, isMain) {
    if (parent && typeof request === "string" && mayBeDeferred(request)) {
      let filename: string | undefined;
      try {
        filename = internals._resolveFilename(request, parent, isMain);
      } catch {
        // Node reports it, below.
      }
      const esModule = filename === undefined ? undefined : modules.get(filename);
      if (filename !== undefined && esModule !== undefined && !internals._cache[filename]) {
        let standIn = standIns.get(filename);
        if (standIn === undefined) {
          const real = () => {
            loaded.add(filename);
            return original.call(this, request, parent, isMain) as object;
          };
          standIn = standInFor(real, esModule);
          standIns.set(filename, standIn);
        }
        return standIn;
      }
    }
    return original.call(this, request, parent, isMain);
  };
  internals._load = load;
  return {
    files: [...modules.keys()],
    loaded: () => [...loaded],
    uninstall() {
      if (internals._load === load) internals._load = original;
    },
  };
}

/** A window onto the module `load()` returns, loaded on first use. */
function standInFor(load: () => object, esModule: boolean): unknown {
  let module: object | undefined;
  const real = (): object => (module ??= load());
  // A function target, so that the stand-in of a function can be called; an arrow function has
  // no non-configurable own properties that the traps below would have to report.
  const target = (() => {}) as unknown as object;
  return new Proxy(target, {
    get: (_, key) =>
      key === "__esModule" && module === undefined
        ? esModule || undefined
        : Reflect.get(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    apply: (_, self, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, self, args),
  });
}
