/**
 * The build context's server, started the way the image's CMD starts it (`node server.js` in the
 * WORKDIR, the image's ENV and USER, read from the context's Dockerfile), on a read-only tree with
 * only a /tmp stand-in writable, as an ECS task with `readonlyRootFilesystem` and a /tmp volume.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { healthCheckCommand } from "../src/health-check";
import {
  type ContainerSpec,
  containerSpec,
  freePort,
  listTree,
  makeTmpDir,
  runAsServerUser,
  type RunningServer,
  serverEnv,
  setReadOnly,
  startServer,
} from "./support/container";
import { fixture } from "./support/fixture";

const { appDir, workDir } = fixture();
// A copy of the run's context: this file makes its tree read-only while other files read it.
const contextDir = path.join(workDir, "server-context");
const appTree = path.join(contextDir, "app");

let spec: ContainerSpec;
let server: RunningServer;
let envVars: NodeJS.ProcessEnv;
let tmpDir: string;
let treeBefore: string[];

beforeAll(async () => {
  cpSync(fixture().contextDir, contextDir, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
  });
  spec = containerSpec(contextDir);
  tmpDir = makeTmpDir(path.join(workDir, "task-tmp"), spec);
  envVars = serverEnv(spec, await freePort(), tmpDir, {
    // Next.js logs its cache's failed disk writes only with this on.
    NEXT_PRIVATE_DEBUG_CACHE: "1",
  });
  setReadOnly(appTree, true);
  treeBefore = listTree(appTree);
  server = await startServer(spec, envVars);
});

afterAll(async () => {
  if (server && server.process.exitCode === null && server.process.signalCode === null) {
    server.process.kill("SIGKILL");
    await server.exited;
  }
  setReadOnly(appTree, false);
});

function healthCheck(pathname: string): number | null {
  const [, node, ...args] = healthCheckCommand(pathname);
  expect(node).toBe("node");
  return spawnSync(process.execPath, args, { env: envVars, timeout: 15_000 }).status;
}

describe("the server as the image runs it", () => {
  test("the image's user cannot write the tree, and can write /tmp", () => {
    const tryWrite = (file: string) =>
      runAsServerUser(
        spec,
        `require("fs").mkdirSync(${JSON.stringify(path.dirname(file))},{recursive:true});` +
          `require("fs").writeFileSync(${JSON.stringify(file)},"x")`,
        envVars,
      ).status;
    expect(tryWrite(path.join(spec.workDir, "probe.txt"))).not.toBe(0);
    expect(tryWrite(path.join(spec.workDir, ".next", "cache", "probe.txt"))).not.toBe(0);
    expect(tryWrite(path.join(spec.workDir, ".next", "server", "probe.txt"))).not.toBe(0);
    expect(tryWrite(path.join(tmpDir, "probe", "probe.txt"))).toBe(0);
  });

  test("runs from the app's directory in the tree, under /app", () => {
    expect(spec.imageWorkDir).toBe("/app/apps/example-next");
    expect(spec.command).toEqual(["node", "server.js"]);
    expect(readdirSync(spec.workDir)).toContain("server.js");
  });

  test("GET / answers 200 with the page's HTML", async () => {
    const answer = await fetch(`${server.url}/`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await answer.text();
    expect(html).toContain('data-testid="rendered-at"');
    expect(html).toContain('data-testid="nav"');
    // The host it rendered for: the request's, which the server answered on.
    expect(html).toContain(`127.0.0.1:${server.port}`);
    expect(answer.headers.get("x-powered-by")).toBeNull();
  });

  test("a prerendered page, a route handler and the proxy work", async () => {
    const page = await fetch(`${server.url}/static`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const status = await fetch(`${server.url}/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ ok: true, runtime: "nodejs" });
    const redirect = await fetch(`${server.url}/old-home`, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("location")).toBe("/");
  });

  test("static files are not in the image: /_next/static and public/ answer 404", async () => {
    // A real chunk of this build and a real public/ file: CloudFront serves both from S3.
    const chunks = readdirSync(path.join(appDir, ".next", "static", "chunks")).filter((name) =>
      name.endsWith(".js"),
    );
    expect(chunks.length).toBeGreaterThan(0);
    const chunk = await fetch(`${server.url}/_next/static/chunks/${chunks[0]}`);
    expect(chunk.status).toBe(404);
    await chunk.arrayBuffer();
    const publicFile = await fetch(`${server.url}/images/hero.jpg`);
    expect(publicFile.status).toBe(404);
    await publicFile.arrayBuffer();
  });

  test("the documented health check command passes on a 2xx and fails otherwise", () => {
    expect(healthCheck("/status")).toBe(0);
    expect(healthCheck("/")).toBe(0);
    expect(healthCheck("/no-such-page")).toBe(1);
  });

  test("SIGTERM (ECS stopping the task) closes the server; nothing was written", async () => {
    // The second /static read is the one Next.js would copy to .next/server/route-cache with
    // isrFlushToDisk on; it must not even try.
    await (await fetch(`${server.url}/static`)).text();
    server.process.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      server.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve("still running after 10 s"), 10_000);
      }),
    ]);
    clearTimeout(timer);
    expect(code).toBe(143);
    const output = server.output();
    expect(output).toContain("Ready");
    expect(output).not.toMatch(/EACCES|EROFS|EPERM|failed to (?:promote|set|write)/i);
    expect(listTree(appTree)).toEqual(treeBefore);
    expect(healthCheck("/status")).toBe(1);
  });
});
