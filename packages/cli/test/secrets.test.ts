import * as fs from "node:fs";
import * as path from "node:path";
import {
  accountCredentials,
  createEmptySecret,
  currentValue,
  tempDir,
  uniqueProject,
  versionStages,
  writeConfig,
} from "./support/aws";
import { checkedRuns, runCli, secretValue, spawnCli } from "./support/cli";

/** A project with its config and the web app's secret, created empty as Terraform does. */
async function project(options: { createSecret?: boolean } = {}) {
  const name = uniqueProject();
  const { dir, file } = writeConfig(name);
  const secret = `${name}/dev/web`;
  if (options.createSecret ?? true) await createEmptySecret(secret);
  const target = ["--app", "web", "--env", "dev", "--config", file];
  return { name, dir, file, secret, target };
}

afterAll(() => {
  // Every run above went through the leak check (support/cli.ts); make sure there were runs.
  expect(checkedRuns()).toBeGreaterThan(25);
});

describe("set, list, get, unset", () => {
  it("round-trips keys without ever printing a value unless revealed", async () => {
    const p = await project();
    const apiKey = secretValue();
    const extra = secretValue((m) => `ünïcödé ${m} ✓`);

    const set = await runCli([
      "secrets",
      "set",
      `API_KEY=${apiKey}`,
      `EXTRA=${extra}`,
      ...p.target,
    ]);
    expect(set).toMatchObject({ code: 0 });
    const stored = await currentValue(p.secret);
    expect(stored!.values).toEqual({ API_KEY: apiKey, EXTRA: extra });
    expect(set.stdout).toContain(
      `set API_KEY, EXTRA in ${p.secret} (eu-west-1): version ${stored!.versionId}`,
    );
    expect(set.stderr).toMatch(
      /^note: EXTRA: set, not declared in .*zonke\.config\.ts apps "web" secrets: the server loads every key/,
    );

    const list = await runCli(["secrets", "list", ...p.target]);
    expect(list.code).toBe(0);
    const lines = list.stdout.split("\n");
    expect(lines).toContain(`API_KEY  ******** (${apiKey.length} characters)`);
    expect(lines).toContain(`EXTRA    ******** (${[...extra].length} characters)  (undeclared)`);
    const changed = stored!.createdDate.toISOString().slice(0, 19).replace("T", " ");
    expect(list.stdout).toContain(
      `value last changed ${changed} UTC (version ${stored!.versionId})`,
    );
    expect(list.stdout).toMatch(/^missing: GREETING_SECRET \(declared in /m);
    expect(list.stdout).toMatch(/^undeclared: EXTRA \(set, not declared in /m);

    const masked = await runCli(["secrets", "get", "API_KEY", ...p.target]);
    expect(masked).toEqual({
      code: 0,
      stdout: `API_KEY is set (${apiKey.length} characters); use --reveal to print it\n`,
      stderr: "",
    });
    const revealed = await runCli(["secrets", "get", "EXTRA", "--reveal", ...p.target]);
    expect(revealed).toEqual({ code: 0, stdout: extra, stderr: "" });
    const onTerminal = await runCli(["secrets", "get", "EXTRA", "--reveal", ...p.target], {
      tty: true,
    });
    expect(onTerminal.stdout).toBe(`${extra}\n`);

    const unset = await runCli(["secrets", "unset", "EXTRA", "NEVER_SET", ...p.target]);
    expect(unset.code).toBe(0);
    expect(unset.stderr).toContain("not set, nothing to remove: NEVER_SET");
    const after = await currentValue(p.secret);
    expect(after!.values).toEqual({ API_KEY: apiKey });
    expect(unset.stdout).toContain(
      `removed EXTRA in ${p.secret} (eu-west-1): version ${after!.versionId}`,
    );

    const gone = await runCli(["secrets", "get", "EXTRA", ...p.target]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toBe(`zonke: EXTRA is not set in ${p.secret} (eu-west-1)\n`);
  });

  it("lists a secret Terraform just created (no value yet) as empty, with the declared keys missing", async () => {
    const p = await project();
    const list = await runCli(["secrets", "list", ...p.target]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("no value yet");
    expect(list.stdout).toMatch(
      /^missing: API_KEY, GREETING_SECRET \(declared in \S+, not set: the app finds them unset\)$/m,
    );

    // The same for the Django app, whose server runs on ECS: there a missing key stops tasks.
    await createEmptySecret(`${p.name}/dev/api`);
    const api = await runCli([
      "secrets",
      "list",
      "--app",
      "api",
      "--env",
      "dev",
      "--config",
      p.file,
    ]);
    expect(api.stdout).toMatch(
      /^missing: DJANGO_SECRET_KEY \(declared in \S+, not set: ECS tasks do not start while a declared key is missing\)$/m,
    );
  });

  it("writes nothing when nothing changes, and keeps other keys when one changes", async () => {
    const p = await project();
    const [a, b, c] = [secretValue(), secretValue(), secretValue()];
    await runCli(["secrets", "set", `API_KEY=${a}`, `GREETING_SECRET=${b}`, ...p.target]);
    const first = await currentValue(p.secret);

    const same = await runCli(["secrets", "set", `API_KEY=${a}`, ...p.target]);
    expect(same.stdout).toContain("nothing changed");
    expect((await currentValue(p.secret))!.versionId).toBe(first!.versionId);

    await runCli(["secrets", "set", `API_KEY=${c}`, ...p.target]);
    expect((await currentValue(p.secret))!.values).toEqual({ API_KEY: c, GREETING_SECRET: b });
    // The pending label never stays behind, and AWSPREVIOUS is the value before.
    const stages = await versionStages(p.secret);
    expect(Object.values(stages).flat()).not.toContain("ZONKE_PENDING");
    expect(stages[first!.versionId]).toEqual(["AWSPREVIOUS"]);
  });
});

describe("--from-file (dotenv)", () => {
  it("reads comments, export, quotes, escapes and multi-line values", async () => {
    const p = await project();
    const v = {
      plain: secretValue(),
      spaced: secretValue((m) => `${m} with spaces`),
      single: secretValue((m) => `${m} # not a comment \\n kept`),
      double: secretValue((m) => `${m} say "hi"`),
      hash: secretValue((m) => `${m}#no-space-no-comment`),
      pem: secretValue((m) => `-----BEGIN KEY-----\n${m}\n-----END KEY-----`),
    };
    const file = path.join(p.dir, ".env");
    fs.writeFileSync(
      file,
      [
        "\uFEFF# a comment",
        "",
        "   # an indented comment",
        `export PLAIN=${v.plain}`,
        `SPACED =   ${v.spaced}   # a trailing comment`,
        `SINGLE='${v.single}'`,
        `DOUBLE="${v.double.replace(/"/g, '\\"')}" # comment after quotes`,
        `HASH=${v.hash}`,
        `PEM="${v.pem.replace(/\n/g, "\\n")}"`,
        `MULTI="line one`,
        `line two"`,
        "EMPTY=",
        "WINDOWS=crlf\r",
      ].join("\n"),
    );
    const result = await runCli(["secrets", "set", "--from-file", file, ...p.target]);
    expect(result.code).toBe(0);
    expect((await currentValue(p.secret))!.values).toEqual({
      PLAIN: v.plain,
      SPACED: v.spaced,
      SINGLE: v.single,
      DOUBLE: v.double,
      HASH: v.hash,
      PEM: v.pem,
      MULTI: "line one\nline two",
      EMPTY: "",
      WINDOWS: "crlf",
    });
  });

  it("reads stdin with --from-file -", async () => {
    const p = await project();
    const value = secretValue();
    const result = await spawnCli(["secrets", "set", "--from-file", "-", ...p.target], {
      stdin: `API_KEY=${value}\n`,
    });
    expect(result.code).toBe(0);
    expect((await currentValue(p.secret))!.values).toEqual({ API_KEY: value });
  });

  it.each([
    ["a line without =", (v: string) => `GOOD=x\n${v}`, 2, 'the line has no "="'],
    ["a key with blanks", (v: string) => `MY KEY=${v}`, 1, "the key is missing or has blanks"],
    [
      "an unclosed quote",
      (v: string) => `\nKEY="${v}\nmore`,
      2,
      "double-quoted value of KEY is never closed",
    ],
    [
      "text after the quotes",
      (v: string) => `KEY='${v}' trailing`,
      1,
      "unexpected text after the closing quote",
    ],
    [
      "a key given twice",
      (v: string) => `KEY=${v}\n\nKEY=other`,
      3,
      "KEY is already set on line 1",
    ],
  ])("refuses %s with the file and line, and writes nothing", async (_, content, line, problem) => {
    const p = await project();
    const file = path.join(p.dir, "bad.env");
    fs.writeFileSync(file, content(secretValue()));
    const result = await runCli(["secrets", "set", "--from-file", "bad.env", ...p.target], {
      cwd: p.dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^zonke: bad\\.env line ${line}: `));
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain("nothing was changed");
    expect(await currentValue(p.secret)).toBeUndefined();
  });
});

describe("refusals before anything is written", () => {
  it.each([
    ["lower_case", "lower_case", "lower_case must be an environment variable name"],
    ["9LIVES", "9LIVES", "9LIVES must be an environment variable name"],
    ["WITH-DASH", "WITH-DASH", "WITH-DASH must be an environment variable name"],
    ["AWS_REGION", "AWS_REGION", "AWS_REGION is reserved: AWS sets AWS_* variables itself"],
    [
      "ZONKE_SECRET_ARNS",
      "ZONKE_SECRET_ARNS",
      "ZONKE_SECRET_ARNS is reserved: zonke's runtime sets ZONKE_* variables",
    ],
    [
      "DB_PASSWORD",
      "DB_PASSWORD",
      "DB_PASSWORD is reserved: DB_* variables hold the database's address and credentials",
    ],
    ["NODE_ENV", "NODE_ENV", "NODE_ENV is reserved: zonke sets NODE_ENV on the servers"],
    ["a 129-character key", "K".repeat(129), "is 129 characters long; keys have at most 128"],
  ])("refuses %s", async (_, key, message) => {
    const p = await project();
    const value = secretValue();
    const result = await runCli([
      "secrets",
      "set",
      `GOOD=${value}`,
      `${key}=${value}`,
      ...p.target,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("(argument 2)");
    expect(result.stderr).toContain("nothing was changed");
    expect(await currentValue(p.secret)).toBeUndefined();
  });

  it("lists every bad key at once, from the arguments and the file", async () => {
    const p = await project();
    fs.writeFileSync(path.join(p.dir, ".env"), `\nlower=${secretValue()}\n`);
    const result = await runCli(
      ["secrets", "set", "--from-file", ".env", `AWS_X=${secretValue()}`, ...p.target],
      { cwd: p.dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("zonke: 2 bad key names; nothing was changed:");
    expect(result.stderr).toContain("lower must be an environment variable name");
    expect(result.stderr).toContain("(.env line 2)");
    expect(result.stderr).toContain("AWS_X is reserved");
  });

  it("does not echo a malformed argument, which may be a value", async () => {
    const p = await project();
    const result = await runCli(["secrets", "set", "API_KEY", secretValue(), ...p.target]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('argument 1 after "set" is not KEY=VALUE');
  });

  it("refuses a value over Secrets Manager's 65,536 bytes, saying by how much, before sending", async () => {
    const p = await project();
    const small = secretValue();
    await runCli(["secrets", "set", `API_KEY=${small}`, ...p.target]);
    const before = await currentValue(p.secret);

    const big = secretValue((m) => `${m}${"x".repeat(70 * 1024)}`);
    const bytes = JSON.stringify({ API_KEY: small, BIG: big }).length;
    const result = await runCli(["secrets", "set", `BIG=${big}`, ...p.target]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `would be ${bytes.toLocaleString("en")} bytes of JSON, ${(bytes - 65536).toLocaleString("en")} bytes over Secrets Manager's limit of 65,536 bytes; nothing was changed`,
    );
    const after = await currentValue(p.secret);
    expect(after).toEqual(before);
    expect(Object.keys(await versionStages(p.secret))).toHaveLength(1);
  });
});

describe("errors", () => {
  it("says the secret is missing and how to create it", async () => {
    const p = await project({ createSecret: false });
    const result = await runCli(["secrets", "set", `API_KEY=${secretValue()}`, ...p.target]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `zonke: secret ${p.secret} does not exist in eu-west-1: deploy the app's stack first (npm start / cdktf deploy)\n`,
    });
  });

  it("names the apps and environments the config defines", async () => {
    const p = await project();
    const app = await runCli([
      "secrets",
      "list",
      "--app",
      "webb",
      "--env",
      "dev",
      "--config",
      p.file,
    ]);
    expect(app.code).toBe(2);
    expect(app.stderr).toBe(
      `zonke: app "webb" is not in ${path.relative(process.cwd(), p.file)}; it defines web, api\n`,
    );
    const env = await runCli([
      "secrets",
      "list",
      "--app",
      "web",
      "--env",
      "stage",
      "--config",
      p.file,
    ]);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^zonke: environment "stage" is not in .*; it defines dev, prod\n$/);
  });

  it("reports config mistakes like synth does, without a stack trace", async () => {
    const dir = tempDir("bad-config");
    fs.writeFileSync(path.join(dir, "zonke.config.ts"), "export default { project: 'X' };\n");
    const result = await runCli(["secrets", "list", "--app", "web", "--env", "dev"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^zonke: \S*zonke\.config\.ts has 3 problems:\n {2}- project = "X"/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses credentials of another account than the environment's, naming both", async () => {
    const p = await project();
    const other = await accountCredentials("210987654321");
    const result = await spawnCli(["secrets", "set", `API_KEY=${secretValue()}`, ...p.target], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: other.accessKeyId,
        AWS_SECRET_ACCESS_KEY: other.secretAccessKey,
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^zonke: the AWS credentials in use are for account 210987654321 \(arn:aws:iam::210987654321:user\/zonke-test-\w+\), but environment dev deploys to account 123456789012 \(.*zonke\.config\.ts\);/,
    );
    expect(result.stderr).toContain("nothing was changed");
    expect(await currentValue(p.secret)).toBeUndefined();
  });

  it("says how to provide credentials when there are none (empty environment)", async () => {
    const p = await project();
    const home = tempDir("home");
    const result = await spawnCli(["secrets", "list", ...p.target], { env: { HOME: home } });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "zonke: no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws/config; for SSO run `aws sso login --profile <name>` first), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n",
    });
  });

  it.each([
    [["secrets", "get", "A", "B", "--app", "web", "--env", "dev"], "get takes exactly one key"],
    [
      ["secrets", "list", "--reveal", "--app", "web", "--env", "dev"],
      "--reveal applies to get only",
    ],
    [["secrets", "get", "A", "--restart"], "--restart applies to set and unset only"],
    [["secrets", "list", "--wait"], "--wait applies to set, unset and restart only"],
    [["secrets", "set", "A=1", "--wait"], "--wait waits for the restart: use it with --restart"],
    [["secrets", "set", "A=1", "--env", "dev"], "missing --app <name>"],
    [["secrets", "frobnicate"], 'unknown secrets command "frobnicate"'],
    [["secrets", "list", "--bogus"], "Unknown option '--bogus'"],
    [
      ["destroy", "--env", "dev"],
      'zonke: unknown command "destroy"; use one of build, plan, deploy, assets, release, pipeline, secrets\n',
    ],
  ])("refuses bad usage: %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
