/**
 * zonke-next-image as a user runs it (the compiled dist/cli.js in a new process): arguments, an
 * app that is not built, and the container engine. No engine can build here, so the engines are
 * stand-in `docker` and `buildah` executables on a PATH of their own: they record how they were
 * called and what the context held, and answer as the real ones do (`docker info` fails when the
 * daemon is down; `build --iidfile` writes the image id).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { fixture } from "./support/fixture";

const { appDir, cli, workDir } = fixture();
const IMAGE_ID = "sha256:" + "ab12".repeat(16);

/** A directory for PATH holding the given stand-ins (and nothing else: no real engine). */
function binDir(engines: Record<string, string>): string {
  const dir = mkdtempSync(path.join(workDir, "bin-"));
  for (const [name, behaviour] of Object.entries(engines)) {
    const file = path.join(dir, name);
    writeFileSync(file, standIn(name, behaviour));
    chmodSync(file, 0o755);
  }
  return dir;
}

/**
 * A stand-in engine: records argv (and the context's files) to <bin>/<name>.calls.json.
 * behaviour: "up" (info answers, build writes the id), "down" (info fails like a stopped daemon),
 * "build-fails", "bad-id".
 */
function standIn(name: string, behaviour: string): string {
  return `#!${process.execPath}
const fs = require("fs"), path = require("path");
const argv = process.argv.slice(2);
const log = path.join(__dirname, ${JSON.stringify(name)} + ".calls.json");
const calls = fs.existsSync(log) ? JSON.parse(fs.readFileSync(log, "utf8")) : [];
const call = { argv, env: { STORAGE_DRIVER: process.env.STORAGE_DRIVER } };
calls.push(call);
const save = () => fs.writeFileSync(log, JSON.stringify(calls));
save();
const behaviour = ${JSON.stringify(behaviour)};
if (argv[0] === "info" || argv.includes("info")) {
  if (behaviour === "down") {
    process.stderr.write("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\\n");
    process.exit(1);
  }
  process.stdout.write("27.3.1\\n");
  process.exit(0);
}
if (argv.includes("build")) {
  const context = argv[argv.length - 1];
  const list = (dir, rel = "") => fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? list(dir, rel + e.name + "/") : [rel + e.name]);
  call.contextFiles = list(context);
  call.dockerfile = fs.readFileSync(path.join(context, "Dockerfile"), "utf8");
  save();
  process.stdout.write("STEP 1/7: FROM node:22\\n");
  if (behaviour === "build-fails") {
    process.stderr.write("Error: creating build container: pull access denied\\n");
    process.exit(125);
  }
  const iid = argv[argv.indexOf("--iidfile") + 1];
  fs.writeFileSync(iid, behaviour === "bad-id" ? "not-a-digest" : ${JSON.stringify(IMAGE_ID)});
  process.exit(0);
}
process.exit(0);
`;
}

interface Call {
  argv: string[];
  env: { STORAGE_DRIVER?: string };
  contextFiles?: string[];
  dockerfile?: string;
}

function calls(bin: string, name: string): Call[] {
  const file = path.join(bin, `${name}.calls.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Call[]) : [];
}

function run(args: string[], bin?: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    env: { PATH: bin ?? binDir({}), HOME: workDir, ...env },
    timeout: 60_000,
  });
}

const TAG = "example-next:test";

describe("arguments", () => {
  test("--help prints the usage and exits 0", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: zonke-next-image --app <dir> --tag <name:tag>/);
    expect(result.stdout).toContain("--context-only <dir>");
  });

  test.each([
    [[], "missing --app <dir>"],
    [["--app", "x"], "missing --tag <name:tag>"],
    [["--app", "x", "--tag", "Example:dev"], '--tag "Example:dev" is not an image reference'],
    [["--app", "x", "--tag", "a:b:c"], '--tag "a:b:c" is not an image reference'],
    [
      ["--app", "x", "--tag", "a", "--platform", "linux/386"],
      '--platform "linux/386" is not allowed; use linux/amd64 or linux/arm64',
    ],
    [
      ["--app", "x", "--tag", "a", "--engine", "podman"],
      '--engine "podman" is not allowed; use auto, docker, buildah',
    ],
    [["--app", "x", "--tag", "a", "--colour"], "Unknown option '--colour'"],
    [["--app", "x", "--tag", "a", "extra"], 'unexpected argument "extra"'],
    [["--app", "x", "--context-only", ""], "--context-only needs a directory"],
  ])("%j: exit 2, says why, prints the usage", (args, message) => {
    const result = run(args as string[]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`zonke-next-image: ${message}`);
    expect(result.stderr).toContain("usage: zonke-next-image");
    expect(result.stdout).toBe("");
  });

  test("accepts registry references with a port and a path", () => {
    // Gets past the arguments to the engine check (no engine on this PATH).
    const result = run(["--app", appDir, "--tag", "localhost:5000/team/example-next:1.2.3"]);
    expect(result.status).toBe(3);
  });
});

describe("an app that is not built", () => {
  test("no .next at all: exit 2, says to run next build", () => {
    const app = mkdtempSync(path.join(workDir, "unbuilt-"));
    const result = run(["--app", app, "--tag", TAG], binDir({ docker: "up" }));
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `zonke-next-image: ${app}/.next/standalone does not exist: the app is not built; run next build in ${app} (next.config needs output: "standalone")\n`,
    );
  });

  test("built without output: standalone: exit 2, says to set it", () => {
    const app = mkdtempSync(path.join(workDir, "not-standalone-"));
    mkdirSync(path.join(app, ".next"));
    writeFileSync(path.join(app, ".next", "BUILD_ID"), "x");
    const result = run(["--app", app, "--context-only", path.join(app, "ctx")]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'the app was built without output: "standalone"; set it in next.config and run next build again',
    );
  });

  test("not a directory: exit 2", () => {
    const result = run(["--app", path.join(workDir, "nowhere"), "--tag", TAG]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--app ${path.join(workDir, "nowhere")}: not a directory`);
  });

  test("the app is checked before the engine", () => {
    const result = run(["--app", path.join(workDir, "nowhere"), "--tag", TAG], binDir({}));
    expect(result.status).toBe(2);
  });

  test("--context-only into a directory that is not empty: exit 2", () => {
    const dir = mkdtempSync(path.join(workDir, "full-"));
    writeFileSync(path.join(dir, "x"), "");
    const result = run(["--app", appDir, "--context-only", dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the context directory must be empty or not exist");
  });
});

describe("no container engine", () => {
  test("neither docker nor buildah: exit 3, says what to install", () => {
    const result = run(["--app", appDir, "--tag", TAG], binDir({}));
    expect(result.status).toBe(3);
    expect(result.stderr).toBe(
      "zonke-next-image: no container engine (docker or buildah) on PATH: install Docker Engine (https://docs.docker.com/engine/install/) or buildah (Debian/Ubuntu: apt-get install -y buildah; Fedora: dnf install buildah)\n",
    );
  });

  test("docker without a daemon and no buildah: exit 3, with docker's reason", () => {
    const result = run(["--app", appDir, "--tag", TAG], binDir({ docker: "down" }));
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(
      "no container engine: docker is installed but its engine does not answer (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?), and buildah is not installed",
    );
  });

  test("--engine docker with the daemon down: exit 3, even with buildah there", () => {
    const bin = binDir({ docker: "down", buildah: "up" });
    const result = run(["--app", appDir, "--tag", TAG, "--engine", "docker"], bin);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("docker is installed but its engine does not answer");
    expect(calls(bin, "buildah")).toEqual([]);
  });

  test("--engine buildah without buildah: exit 3", () => {
    const result = run(
      ["--app", appDir, "--tag", TAG, "--engine", "buildah"],
      binDir({ docker: "up" }),
    );
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("buildah is not installed (not on PATH)");
  });
});

describe("building", () => {
  test("with buildah when docker's daemon is down: vfs, chroot, the context, the digest", () => {
    const bin = binDir({ docker: "down", buildah: "up" });
    const result = run(["--app", appDir, "--tag", TAG, "--platform", "linux/arm64"], bin);
    expect(result.stderr).not.toContain("zonke-next-image:");
    expect(result.status).toBe(0);
    const [build] = calls(bin, "buildah");
    expect(build).toBeDefined();
    const argv = (build as Call).argv;
    const context = argv[argv.length - 1] as string;
    expect(argv).toEqual([
      "--storage-driver",
      "vfs",
      "build",
      "--isolation",
      "chroot",
      "--layers",
      "--file",
      path.join(context, "Dockerfile"),
      "--tag",
      TAG,
      "--iidfile",
      expect.stringMatching(/\/iid$/),
      "--platform",
      "linux/arm64",
      context,
    ]);
    // The engine saw the whole context; it is gone afterwards.
    expect(build?.contextFiles).toContain("Dockerfile");
    expect(build?.contextFiles).toContain("app/apps/example-next/server.js");
    expect(build?.contextFiles?.some((f) => f.includes("/.next/static/"))).toBe(false);
    expect(build?.dockerfile).toContain("ARG APP_PATH=apps/example-next");
    expect(existsSync(context)).toBe(false);
    // Our stdout: the summary, then the image and its digest last; the engine's output on stderr.
    const lines = result.stdout.trim().split("\n");
    expect(lines[lines.length - 2]).toBe(`image: ${TAG}`);
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^digest: ${IMAGE_ID} \\(image id`));
    expect(result.stdout).toContain("building example-next:test with buildah");
    expect(result.stdout).not.toContain("STEP 1/7");
    expect(result.stderr).toContain("STEP 1/7: FROM node:22");
  });

  test("STORAGE_DRIVER and BUILDAH_ISOLATION override buildah's defaults", () => {
    const bin = binDir({ buildah: "up" });
    const result = run(["--app", appDir, "--tag", TAG], bin, {
      STORAGE_DRIVER: "overlay",
      BUILDAH_ISOLATION: "rootless",
    });
    expect(result.status).toBe(0);
    const argv = calls(bin, "buildah")[0]?.argv ?? [];
    expect(argv.slice(0, 6)).toEqual([
      "--storage-driver",
      "overlay",
      "build",
      "--isolation",
      "rootless",
      "--layers",
    ]);
    expect(argv).not.toContain("--platform");
  });

  test("docker first when its daemon answers; --base-image becomes NODE_IMAGE", () => {
    const bin = binDir({ docker: "up", buildah: "up" });
    const result = run(
      ["--app", appDir, "--tag", TAG, "--base-image", "mirror.example.com/node:22-bookworm-slim"],
      bin,
    );
    expect(result.status).toBe(0);
    expect(calls(bin, "buildah")).toEqual([]);
    const [info, build] = calls(bin, "docker");
    expect(info?.argv).toEqual(["info", "--format", "{{.ServerVersion}}"]);
    const argv = build?.argv ?? [];
    expect(argv.slice(0, 2)).toEqual(["build", "--file"]);
    expect(argv).toContain("--build-arg");
    expect(argv[argv.indexOf("--build-arg") + 1]).toBe(
      "NODE_IMAGE=mirror.example.com/node:22-bookworm-slim",
    );
    expect(result.stdout).toContain(`digest: ${IMAGE_ID}`);
  });

  test("a failed build: exit 1, the engine's error on stderr, a hint about the base image", () => {
    const result = run(["--app", appDir, "--tag", TAG], binDir({ buildah: "build-fails" }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("pull access denied");
    expect(result.stderr).toContain(
      "zonke-next-image: buildah build failed (exit 125); if the base image could not be pulled, pass --base-image",
    );
    expect(result.stdout).not.toContain("digest:");
  });

  test("an image id that is not a digest: exit 1", () => {
    const result = run(["--app", appDir, "--tag", TAG], binDir({ docker: "up" }) + "");
    expect(result.status).toBe(0);
    const bad = run(["--app", appDir, "--tag", TAG], binDir({ docker: "bad-id" }));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      'docker wrote an image id that is not a sha256 digest: "not-a-digest"',
    );
  });
});
