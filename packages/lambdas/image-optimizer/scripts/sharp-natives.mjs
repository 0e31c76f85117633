// The files sharp needs at run time on Lambda (Linux, glibc) for one architecture, as
// zip path -> contents. sharp's JavaScript and its pure-JS dependencies come from the installed
// copy; the native packages for the target architecture are fetched with `npm pack` (cached
// outside the repository, checked against package-lock.json's integrity) because npm only
// installs the host's.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import * as path from "node:path";
import { readPackageTarball } from "./tar.mjs";

const require = createRequire(import.meta.url);

/** Lambda architecture -> npm cpu name and ELF e_machine of its binaries. */
export const ARCHITECTURES = {
  arm64: { cpu: "arm64", elfMachine: 183 },
  x86_64: { cpu: "x64", elfMachine: 62 },
};

export const DEFAULT_PACK_CACHE =
  process.env.ZONKE_NPM_PACK_CACHE || path.join(homedir(), ".cache", "zonke", "npm-packs");

/**
 * @param {{ architecture: "arm64" | "x86_64", packCache?: string, log?: (line: string) => void }} options
 * @returns {Map<string, Buffer>}
 */
export function sharpRuntimeFiles({
  architecture,
  packCache = DEFAULT_PACK_CACHE,
  log = () => {},
}) {
  const arch = ARCHITECTURES[architecture];
  if (!arch) throw new Error(`unknown architecture "${architecture}"; use arm64 or x86_64`);
  const sharpDir = packageDirOf(require.resolve("sharp"), "sharp");
  const sharpPackage = readJson(path.join(sharpDir, "package.json"));
  const files = new Map();

  // sharp itself: the CommonJS build (the bundle requires it) and its manifest.
  addFiles(files, "node_modules/sharp", sharpDir, (file) =>
    /^(package\.json|LICENSE|dist\/[^/]+\.cjs)$/.test(file),
  );
  for (const dependency of Object.keys(sharpPackage.dependencies ?? {})) {
    addPureJsPackage(files, dependency, sharpDir);
  }

  // The prebuilt binding and libvips, at the exact versions this sharp was released with.
  const binding = `@img/sharp-linux-${arch.cpu}`;
  const libvips = `@img/sharp-libvips-linux-${arch.cpu}`;
  for (const [name, keep] of [
    [binding, (file) => /^(package\.json|LICENSE|index\.cjs|lib\/[^/]+\.node)$/.test(file)],
    [
      libvips,
      (file) =>
        /^(package\.json|versions\.json|lib\/index\.js|lib\/[^/]+\.so(\.[0-9]+)*)$/.test(file),
    ],
  ]) {
    const version = sharpPackage.optionalDependencies?.[name];
    if (!version) throw new Error(`sharp ${sharpPackage.version} does not list ${name}`);
    const tarball = packedTarball(name, version, packCache, sharpDir, log);
    for (const [file, contents] of readPackageTarball(tarball)) {
      if (keep(file)) files.set(`node_modules/${name}/${file}`, contents);
    }
  }
  checkNativeArchitecture(files, arch.elfMachine, architecture);
  return files;
}

/** A dependency resolved as Node would from `fromDir`, with its own dependencies, JS only. */
function addPureJsPackage(files, name, fromDir) {
  const dir = installedPackageDir(name, fromDir);
  const prefix = `node_modules/${name}`;
  if (files.has(`${prefix}/package.json`)) return;
  addFiles(
    files,
    prefix,
    dir,
    (file) =>
      /(^|\/)(package\.json|LICEN[CS]E(\.md|\.txt)?)$/.test(file) ||
      (/\.c?js$/.test(file) && !/^(bin|test|tests|docs|\.[^/]+)\//.test(file)),
  );
  const manifest = readJson(path.join(dir, "package.json"));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    addPureJsPackage(files, dependency, dir);
  }
}

function addFiles(files, zipPrefix, dir, keep, relative = "") {
  for (const entry of readdirSync(path.join(dir, relative))) {
    const file = relative ? `${relative}/${entry}` : entry;
    const full = path.join(dir, file);
    if (statSync(full).isDirectory()) {
      if (entry !== "node_modules") addFiles(files, zipPrefix, dir, keep, file);
    } else if (keep(file)) {
      files.set(`${zipPrefix}/${file}`, readFileSync(full));
    }
  }
}

/** `npm pack name@version` into the cache, once; verified against the lockfile when it lists it. */
function packedTarball(name, version, packCache, fromDir, log) {
  mkdirSync(packCache, { recursive: true });
  const file = path.join(packCache, `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
  const expected = lockfileIntegrity(name, version, fromDir);
  if (existsSync(file) && (!expected || integrityOf(readFileSync(file), expected) === expected)) {
    log(`sharp natives: ${name}@${version} from cache`);
  } else {
    log(`sharp natives: npm pack ${name}@${version}`);
    try {
      execFileSync(
        "npm",
        ["pack", `${name}@${version}`, "--pack-destination", packCache, "--silent"],
        {
          cwd: packCache,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    } catch (error) {
      throw new Error(
        `npm pack ${name}@${version} failed (the first build needs the npm registry; later builds use ${packCache}): ${error.stderr?.toString().trim() || error.message}`,
      );
    }
  }
  const tarball = readFileSync(file);
  if (expected && integrityOf(tarball, expected) !== expected) {
    throw new Error(
      `${file} does not match package-lock.json's integrity for ${name}@${version}; delete it and rebuild`,
    );
  } else if (!expected) {
    log(`sharp natives: warning: package-lock.json has no integrity for ${name}@${version}`);
  }
  return tarball;
}

function lockfileIntegrity(name, version, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const lock = path.join(dir, "package-lock.json");
    if (existsSync(lock)) {
      const entry = readJson(lock).packages?.[`node_modules/${name}`];
      return entry?.version === version ? entry.integrity : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function integrityOf(bytes, expected) {
  const algorithm = expected.split("-")[0];
  return `${algorithm}-${createHash(algorithm).update(bytes).digest("base64")}`;
}

/** Refuses to package a binary for the wrong CPU (a classic: it only fails on Lambda). */
function checkNativeArchitecture(files, elfMachine, architecture) {
  const natives = [...files.keys()].filter((file) => /\.(node|so(\.[0-9]+)*)$/.test(file));
  if (natives.length < 2) throw new Error(`sharp natives for ${architecture} are missing`);
  for (const file of natives) {
    const bytes = files.get(file);
    const isElf = bytes.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    if (!isElf || bytes.readUInt16LE(18) !== elfMachine) {
      throw new Error(`${file} is not a Linux ${architecture} binary`);
    }
  }
}

/** Node's lookup (nearest node_modules upwards), without going through `exports`. */
function installedPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} (needed by sharp) is not installed`);
  }
}

function packageDirOf(resolvedFile, name) {
  for (let dir = path.dirname(resolvedFile); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && readJson(manifest).name === name) return dir;
  }
  throw new Error(`cannot find the package directory of ${name}`);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}
