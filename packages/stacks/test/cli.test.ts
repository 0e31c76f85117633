import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLE_CONFIG, REPO_ROOT, tempDir } from "./helpers";

const MAIN = path.join(REPO_ROOT, "packages/stacks/dist/main.js");
const dir = tempDir("cli");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: "" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("zonke-synth (the compiled entry)", () => {
  it("synthesises the example and prints the summary table", () => {
    const out = path.join(dir, "out");
    const { status, stdout } = run("--env", "dev", "--out", out);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^stack\s+environment\s+resources\s+path$/m);
    expect(stdout).toMatch(/^zonke-dev-network\s+dev\s+\d+\s+.*zonke-dev-network\/cdk\.tf\.json$/m);
    expect(fs.existsSync(path.join(out, "stacks/zonke-dev-network/cdk.tf.json"))).toBe(true);
  });

  it("creates a nested output folder, and explains one it cannot create", () => {
    expect(run("--env", "dev", "--quiet", "--out", path.join(dir, "a/b/c")).status).toBe(0);
    expect(fs.existsSync(path.join(dir, "a/b/c/stacks/zonke-dev-network/cdk.tf.json"))).toBe(true);
    fs.writeFileSync(path.join(dir, "file"), "");
    const blocked = run("--env", "dev", "--out", path.join(dir, "file/out"));
    expect(blocked.status).toBe(2);
    expect(blocked.stderr).toMatch(/^zonke: cannot create the output folder ".*file\/out": /m);
    expect(blocked.stderr).not.toMatch(STACK_TRACE);
  });

  it("reports a bad config in one line per problem, with no stack trace", () => {
    const bad = path.join(dir, "bad.config.ts");
    const example = fs
      .readFileSync(EXAMPLE_CONFIG, "utf8")
      .replace(/^import .*$/m, "")
      .replace("defineConfig(", "(");
    fs.writeFileSync(
      bad,
      example
        .replace("warm: 2", "warm: 500")
        .replace(
          '"eu-west-1",\n      availabilityZones: ["eu-west-1a", "eu-west-1b"]',
          '"eu-west-7",\n      availabilityZones: ["eu-west-1a", "eu-west-1b"]',
        ),
    );
    const { status, stderr, stdout } = run("--config", bad, "--out", path.join(dir, "bad-out"));
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^zonke: .*bad\.config\.ts has 2 problems:$/m);
    expect(stderr).toMatch(/^ {2}- apps\[0\]\.warm = 500: must be at most 50$/m);
    expect(stderr).toMatch(
      /^ {2}- environments\.dev\.region = "eu-west-7": must be an AWS region/m,
    );
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it("explains an unknown environment and an unknown flag without a stack trace", () => {
    const env = run("--env", "staging", "--out", path.join(dir, "x"));
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/unknown environment "staging"; the config defines dev, prod/);
    const flag = run("--enviroment", "dev");
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--enviroment'/);
    expect(flag.stderr).toMatch(/usage: zonke-synth/);
    for (const output of [env.stderr, flag.stderr]) expect(output).not.toMatch(STACK_TRACE);
  });
});
