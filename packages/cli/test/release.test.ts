/**
 * `zonke release`, in this process, with a stand-in terraform whose `output -json` names what to
 * release:
 *
 * - Lambda: functions, versions and aliases in moto; `Invoke` runs the code each version was
 *   published with, for real, through test/fixtures/deploy/lambda-front.ts (@zonke/lambda-local),
 *   since moto runs no function without Docker.
 * - ECS: a local stand-in for the ECS API (test/fixtures/deploy/fake-ecs.ts), since moto's
 *   UpdateService starts no deployment and its rolloutState never moves: a rollout, its failure
 *   and the circuit breaker's rollback cannot be seen there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import {
  DEFAULT_ACCOUNT,
  iam,
  lambda,
  tempDir,
  uniqueProject,
  writeConfig,
  zip,
} from "./support/aws";
import {
  fakeTerraform,
  offlineDryRun,
  stackFolders,
  standInStacks,
  terraformCalls,
  zonke,
} from "./fixtures/deploy/harness";
import { startFakeEcs, type FakeEcs, type RolloutStep } from "./fixtures/deploy/fake-ecs";
import { startLambdaFront, type LambdaFront } from "./fixtures/deploy/lambda-front";

/** Handlers, as the versions' code. */
const CODE = {
  healthy: `const fs = require("node:fs");
exports.handler = async (event) => {
  if (process.env.PROBE_LOG) fs.appendFileSync(process.env.PROBE_LOG, JSON.stringify(event) + "\\n");
  const get = event.version === "2.0" && event.requestContext.http.method === "GET";
  return { statusCode: !get ? 400 : event.rawPath === "/healthz" ? 200 : 404, body: "ok" };
};`,
  status503: `exports.handler = async () => ({ statusCode: 503, body: "database unavailable" });`,
  throws: `exports.handler = async () => { throw new TypeError("Cannot read properties of undefined (reading 'db')"); };`,
  initFails: `throw new Error("DJANGO_SECRET_KEY is not set");`,
  streams503: `exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 503, headers: { "content-type": "text/plain" } });
  stream.write("down");
  stream.end();
});`,
  streams200: `exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: {} });
  stream.write("<html>" + event.rawPath + "</html>");
  stream.end();
});`,
  notHttp: `exports.handler = async () => "pong";`,
};

let front: LambdaFront;
let ecs: FakeEcs;
let terraform: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  front = await startLambdaFront(process.env["AWS_ENDPOINT_URL"]!);
  ecs = await startFakeEcs();
  terraform = fakeTerraform();
  // The SDK clients of the CLI read their endpoints from the process's environment.
  const settings = {
    AWS_ENDPOINT_URL_LAMBDA: front.endpoint,
    AWS_ENDPOINT_URL_ECS: ecs.endpoint,
    ZONKE_TEST_RELEASE_POLL_MS: "20",
  };
  for (const [name, value] of Object.entries(settings)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await front?.stop();
  await ecs?.stop();
});

/** A function as the apply leaves it: one version per code, `live` on the first. */
async function publishedFunction(
  functionName: string,
  codes: readonly string[],
  probeLog?: string,
) {
  const roleName = `${functionName}-role`;
  await iam().send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: "{}" }));
  const client = lambda();
  const zips = codes.map((code) => zip("index.js", code));
  zips.forEach((z) => front.register(z));
  const created = await client.send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: "nodejs22.x",
      Role: `arn:aws:iam::${DEFAULT_ACCOUNT}:role/${roleName}`,
      Handler: "index.handler",
      Code: { ZipFile: zips[0]! },
      Environment: { Variables: probeLog ? { PROBE_LOG: probeLog } : {} },
      Publish: true,
    }),
  );
  await client.send(
    new CreateAliasCommand({
      FunctionName: functionName,
      Name: "live",
      FunctionVersion: created.Version!,
    }),
  );
  const versions = [created.Version!];
  for (const code of zips.slice(1)) {
    const updated = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: code, Publish: true }),
    );
    versions.push(updated.Version!);
  }
  return versions;
}

async function liveVersion(functionName: string): Promise<string> {
  const alias = await lambda().send(
    new GetAliasCommand({ FunctionName: functionName, Name: "live" }),
  );
  return alias.FunctionVersion!;
}

/** A project of its own in moto, its app stack folder, and what `terraform output` says. */
function app(appName: "web" | "api", outputs: Record<string, unknown>) {
  const project = uniqueProject();
  const { file } = writeConfig(project);
  const stack = `${project}-dev-${appName}`;
  const stand = standInStacks(terraform, [stack], { planned: [], outputs: { [stack]: outputs } });
  const { cwd, log, env } = stand;
  const release = (extra: string[] = []) =>
    zonke(["release", "--env", "dev", "--app", appName, "--config", file, ...extra], { cwd, env });
  const setOutputs = (values: Record<string, unknown>) => stand.setOutputs(stack, values);
  return { project, stack, cwd, log, release, setOutputs };
}

function lambdaRelease(functionName: string, version: string, healthCheckPath = "/healthz") {
  return { functionName, alias: "live", version, healthCheckPath };
}

describe("zonke release: Lambda (moto, and the versions' code run by @zonke/lambda-local)", () => {
  it("moves live to the new version, probes it with a Function URL GET, and keeps it when healthy", async () => {
    const project = uniqueProject();
    const fn = `${project}-dev-web-server`;
    const probeLog = path.join(tempDir("probe"), "events.log");
    const versions = await publishedFunction(fn, [CODE.healthy, CODE.healthy], probeLog);
    expect(versions).toEqual(["1", "2"]);
    const { release, log, stack } = app("web", {
      release: { lambda: [lambdaRelease(fn, "2")], ecs: [] },
      url: "https://d111111abcdef8.cloudfront.net",
    });

    const result = await release();
    expect(result.stderr).not.toContain("zonke:");
    expect(result.code).toBe(0);
    expect(await liveVersion(fn)).toBe("2");
    expect(result.stdout).toBe(`${fn}: alias live: version 1 -> 2 (GET /healthz: status 200)\n`);
    expect(result.stderr).toBe(
      [
        `+ terraform -chdir=cdktf.out/stacks/${stack} init -input=false -no-color`,
        `+ terraform -chdir=cdktf.out/stacks/${stack} output -json`,
        `+ read output release of ${stack}`,
        "+ aws sts get-caller-identity (the credentials must be of account 123456789012, environment dev)",
        `+ aws lambda get-alias --function-name ${fn} --name live`,
        `+ aws lambda get-function-configuration --function-name ${fn} --qualifier 2`,
        `+ aws lambda update-alias --function-name ${fn} --name live --function-version 2`,
        `+ aws lambda invoke --function-name ${fn} --qualifier live (GET /healthz as a Function URL event; healthy: no FunctionError and statusCode < 500)`,
        "",
      ].join("\n"),
    );
    expect(terraformCalls(log).map((c) => c.args.join(" "))).toEqual([
      "init -input=false -no-color",
      "output -json",
    ]);

    // The probe went through the alias to version 2, as a Function URL request would.
    const probes = front.invocations.filter((i) => i.functionName === fn);
    expect(probes.map((i) => [i.qualifier, i.version])).toEqual([["live", "2"]]);
    const [event] = fs
      .readFileSync(probeLog, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/healthz",
      rawQueryString: "",
      isBase64Encoded: false,
      requestContext: { accountId: "123456789012", http: { method: "GET", path: "/healthz" } },
      headers: {
        "x-forwarded-host": "d111111abcdef8.cloudfront.net",
        "x-forwarded-proto": "https",
        "user-agent": "zonke-release-probe",
      },
    });
    expect(event.body).toBeUndefined();
  });

  it("says so and changes nothing when live is on the version already", async () => {
    const fn = `${uniqueProject()}-dev-web-server`;
    await publishedFunction(fn, [CODE.healthy]);
    const { release } = app("web", { release: { lambda: [lambdaRelease(fn, "1")], ecs: [] } });
    const before = front.invocations.length;
    const result = await release();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${fn}: alias live is on version 1 already; nothing to release\n`);
    expect(result.stderr).not.toContain("update-alias");
    expect(front.invocations.length).toBe(before);
    expect(await liveVersion(fn)).toBe("1");
  });

  it.each([
    [
      "a status of 500 or more",
      CODE.status503,
      (fn: string) =>
        `zonke: version 2 of ${fn} is unhealthy: GET /healthz through alias live gave status 503; alias live of ${fn} is back on version 1 (was briefly on 2)\n`,
    ],
    [
      "a function error",
      CODE.throws,
      (fn: string) =>
        `zonke: version 2 of ${fn} is unhealthy: GET /healthz through alias live gave function error (Unhandled): TypeError: Cannot read properties of undefined (reading 'db'); alias live of ${fn} is back on version 1 (was briefly on 2)\n`,
    ],
    [
      "an init failure",
      CODE.initFails,
      (fn: string) =>
        `zonke: version 2 of ${fn} is unhealthy: GET /healthz through alias live gave function error (Unhandled): Runtime.InitError: init failed: DJANGO_SECRET_KEY is not set (Error); alias live of ${fn} is back on version 1 (was briefly on 2)\n`,
    ],
    [
      "a streamed response with status 503",
      CODE.streams503,
      (fn: string) =>
        `zonke: version 2 of ${fn} is unhealthy: GET /healthz through alias live gave status 503; alias live of ${fn} is back on version 1 (was briefly on 2)\n`,
    ],
  ])("moves live back and exits 1 on %s", async (_, code, message) => {
    const fn = `${uniqueProject()}-dev-web-server`;
    await publishedFunction(fn, [CODE.healthy, code]);
    const { release } = app("web", { release: { lambda: [lambdaRelease(fn, "2")], ecs: [] } });
    const result = await release();
    expect(result.code).toBe(1);
    expect(
      result.stderr
        .split("\n")
        .filter((l) => l.startsWith("zonke:"))
        .join("\n") + "\n",
    ).toBe(message(fn));
    expect(result.stderr).toContain(
      `+ aws lambda update-alias --function-name ${fn} --name live --function-version 1\nzonke:`,
    );
    expect(await liveVersion(fn)).toBe("1");
    expect(result.stdout).toBe("");
  });

  it.each([
    ["a streamed 200", CODE.streams200, "status 200"],
    [
      "an answer that is no HTTP response (a Function URL answers 200)",
      CODE.notHttp,
      "an answer without statusCode (HTTP 200)",
    ],
  ])("keeps the new version on %s", async (_, code, said) => {
    const fn = `${uniqueProject()}-dev-site-server`;
    await publishedFunction(fn, [CODE.healthy, code]);
    const { release } = app("web", { release: { lambda: [lambdaRelease(fn, "2", "/")], ecs: [] } });
    const result = await release();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${fn}: alias live: version 1 -> 2 (GET /: ${said})\n`);
    expect(await liveVersion(fn)).toBe("2");
  });

  it("moves every alias of the release back when a later server is unhealthy", async () => {
    const project = uniqueProject();
    const first = `${project}-dev-web-server`;
    const second = `${project}-dev-web-manage`;
    await publishedFunction(first, [CODE.healthy, CODE.healthy]);
    await publishedFunction(second, [CODE.healthy, CODE.healthy, CODE.status503]);
    const { release } = app("web", {
      release: {
        lambda: [lambdaRelease(first, "2"), lambdaRelease(second, "3", "/healthz")],
        ecs: [],
      },
    });
    const result = await release();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\nzonke: version 3 of ${second} is unhealthy: GET /healthz through alias live gave status 503; ` +
          `alias live of ${second} is back on version 1 \\(was briefly on 3\\); ` +
          `alias live of ${first} is back on version 1 \\(was briefly on 2\\)\\n$`,
      ),
    );
    expect(await liveVersion(first)).toBe("1");
    expect(await liveVersion(second)).toBe("1");
  });

  it("refuses a version that does not exist, before moving anything (exit 2)", async () => {
    const fn = `${uniqueProject()}-dev-web-server`;
    await publishedFunction(fn, [CODE.healthy]);
    const { release } = app("web", { release: { lambda: [lambdaRelease(fn, "7")], ecs: [] } });
    const result = await release();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\nzonke: lambda:GetFunctionConfiguration on ${fn}: not found in eu-west-1 \\(.*\\): deploy the app first \\(zonke deploy\\)\\n$`,
      ),
    );
    expect(await liveVersion(fn)).toBe("1");
  });

  it("refuses a stack without a release output, and one whose output is not what it reads", async () => {
    const missing = app("web", { url: "https://d111111abcdef8.cloudfront.net" });
    expect((await missing.release()).stderr).toMatch(
      new RegExp(
        `\\nzonke: ${missing.stack} has no output release: deploy it with this version of zonke first \\(zonke deploy --env dev --app web\\)\\n$`,
      ),
    );
    const bad = app("web", {
      release: { lambda: [{ functionName: "f", alias: "live", version: "$LATEST" }] },
    });
    const result = await bad.release();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\nzonke: the output release of ${bad.stack} is not what this zonke reads: lambda\\[0\\]\\.version must be a published version number \\(got "\\$LATEST"\\); deploy the stack with this version of zonke\\n$`,
      ),
    );
    const none = app("web", { release: { lambda: [], ecs: [] } });
    const nothing = await none.release();
    expect(nothing).toMatchObject({
      code: 0,
      stdout: `nothing to release: the output release of ${none.stack} names no server\n`,
    });
  });
});

describe("zonke release: ECS (a stand-in for the ECS API)", () => {
  const OLD = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-api:6";
  const NEW = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-api:7";

  function ecsApp(
    rollout: RolloutStep[],
    options: { current?: string; controller?: "CODE_DEPLOY" } = {},
  ) {
    const created = app("api", {});
    const cluster = `${created.project}-dev-api`;
    ecs.addService({
      cluster,
      name: cluster,
      taskDefinition: options.current ?? OLD,
      rollout,
      ...(options.controller ? { controller: options.controller } : {}),
    });
    created.setOutputs({
      release: {
        lambda: [],
        ecs: [{ cluster, service: cluster, taskDefinitionArn: NEW, containerName: "web" }],
      },
    });
    const updates = () =>
      ecs.calls
        .filter((c) => c.operation === "UpdateService" && c.body["service"] === cluster)
        .map((c) => c.body);
    return { ...created, service: cluster, updates };
  }

  it("updates the service and waits for the rollout, one line per state change", async () => {
    const api = ecsApp([
      { running: 0, pending: 2 },
      { running: 0, pending: 2 },
      { running: 1, pending: 1 },
      { running: 1, pending: 1 },
      { completed: true },
    ]);
    const result = await api.release();
    expect(result.stderr).not.toContain("zonke:");
    expect(result.code).toBe(0);
    expect(api.updates()).toEqual([
      { cluster: api.service, service: api.service, taskDefinition: NEW },
    ]);
    expect(result.stdout).toMatch(
      new RegExp(
        `^${api.service}: shop-dev-api:6 -> shop-dev-api:7: rollout completed, 2 of 2 tasks running \\(\\d+ ms\\)\\n$`,
      ),
    );
    const lines = result.stderr.split("\n");
    const id = /deployment (ecs-svc\/\d+) /.exec(result.stderr)![1];
    expect(
      lines.slice(
        lines.indexOf(
          `+ aws ecs describe-services --cluster ${api.service} --services ${api.service}`,
        ),
      ),
    ).toEqual([
      `+ aws ecs describe-services --cluster ${api.service} --services ${api.service}`,
      `+ aws ecs update-service --cluster ${api.service} --service ${api.service} --task-definition ${NEW}`,
      `+ aws ecs describe-services --cluster ${api.service} --services ${api.service} every 20 ms until the PRIMARY deployment's rolloutState is COMPLETED (done), or FAILED or rolled back (exit 1), for at most 30 min`,
      `${api.service}: deployment ${id} IN_PROGRESS, 0 of 2 tasks running, 2 pending, 0 failed`,
      `${api.service}: deployment ${id} IN_PROGRESS, 1 of 2 tasks running, 1 pending, 0 failed`,
      `${api.service}: deployment ${id} COMPLETED, 2 of 2 tasks running, 0 pending, 0 failed`,
      "",
    ]);
  });

  it("says so and updates nothing when the service runs the task definition already", async () => {
    const api = ecsApp([], { current: NEW });
    const result = await api.release();
    expect(result).toMatchObject({
      code: 0,
      stdout: `${api.service}: runs shop-dev-api:7 already; nothing to release\n`,
    });
    expect(api.updates()).toEqual([]);
  });

  it("exits 1 with ECS's reason when the rollout fails", async () => {
    const api = ecsApp([
      { running: 0, pending: 2, failed: 2 },
      { failed: "tasks failed to start" },
    ]);
    const result = await api.release();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\nzonke: the rollout of shop-dev-api:7 to ECS service ${api.service} \\(cluster ${api.service}\\) failed: tasks failed to start\\n$`,
      ),
    );
  });

  it("exits 1 when the circuit breaker rolls the service back, naming both task definitions", async () => {
    const api = ecsApp([
      { running: 0, pending: 2, failed: 1 },
      { rolledBack: "ECS deployment circuit breaker: tasks failed to start." },
    ]);
    const result = await api.release();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\nzonke: the rollout of shop-dev-api:7 to ECS service ${api.service} \\(cluster ${api.service}\\) failed: ` +
          `ECS deployment circuit breaker: tasks failed to start\\.; ECS rolled back to shop-dev-api:6\\n$`,
      ),
    );
    expect(result.stderr).toContain("FAILED, 0 of 2 tasks running, 2 pending, 1 failed, (ACTIVE)");
  });

  it("gives up after --timeout, saying that ECS goes on", async () => {
    const api = ecsApp([{ running: 1, pending: 1 }]);
    const started = Date.now();
    const result = await api.release(["--timeout", "0.005"]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\nzonke: the rollout of shop-dev-api:7 to ECS service ${api.service} \\(cluster ${api.service}\\) did not complete within 300 ms ` +
          `\\(IN_PROGRESS, 1 of 2 tasks running, 1 pending, 0 failed\\); ECS goes on with it: watch it with ` +
          `aws ecs describe-services --cluster ${api.service} --services ${api.service} --region eu-west-1, or give --timeout more minutes\\n$`,
      ),
    );
  });

  it("refuses a service that ECS does not deploy, or that does not exist (exit 2)", async () => {
    const codeDeploy = ecsApp([], { controller: "CODE_DEPLOY" });
    const refused = await codeDeploy.release();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `\\nzonke: ECS service ${codeDeploy.service} is deployed by CODE_DEPLOY, not by ECS rolling updates: zonke release cannot update it\\n$`,
      ),
    );
    const gone = ecsApp([]);
    ecs.services.delete(`${gone.service}/${gone.service}`);
    const missing = await gone.release();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      new RegExp(
        `\\nzonke: ECS service ${gone.service} does not exist in cluster ${gone.service} \\(eu-west-1\\): deploy the app first \\(zonke deploy\\)\\n$`,
      ),
    );
  });
});

describe("zonke release --dry-run", () => {
  const STACKS = ["zonke-dev-web", "zonke-dev-api", "zonke-dev-site"];

  async function dryRun(app: string, env: NodeJS.ProcessEnv = {}) {
    const result = await offlineDryRun(["release"], app, {
      cwd: stackFolders(STACKS, []),
      terraform,
      // The default poll interval (this file sets a short one for the rollout tests).
      env: { ZONKE_TEST_RELEASE_POLL_MS: undefined, ...env },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return result.stdout.split("\n");
  }

  const lambdaLines = (stack: string, fn: string) => [
    `+ terraform -chdir=cdktf.out/stacks/${stack} init -input=false -no-color`,
    `+ terraform -chdir=cdktf.out/stacks/${stack} output -json`,
    `+ read output release of ${stack}`,
    "+ aws sts get-caller-identity (the credentials must be of account 111111111111, environment dev)",
    `+ aws lambda get-alias --function-name ${fn} --name live`,
    `+ aws lambda get-function-configuration --function-name ${fn} --qualifier <release.lambda version>`,
    `+ aws lambda update-alias --function-name ${fn} --name live --function-version <release.lambda version> (unless live is on it already)`,
    `+ aws lambda invoke --function-name ${fn} --qualifier live (GET <release.lambda healthCheckPath> as a Function URL event; healthy: no FunctionError and statusCode < 500)`,
    `+ aws lambda update-alias --function-name ${fn} --name live --function-version <the version live was on> (only when unhealthy; then exit 1)`,
    "",
  ];

  it("web (Next.js on Lambda)", async () => {
    expect(await dryRun("web")).toEqual(lambdaLines("zonke-dev-web", "zonke-dev-web-server"));
  });

  it("site (Django on Lambda)", async () => {
    expect(await dryRun("site")).toEqual(lambdaLines("zonke-dev-site", "zonke-dev-site-server"));
  });

  it("api (Django on ECS), as the deploy role", async () => {
    const role = "arn:aws:iam::111111111111:role/zonke-dev-deployer";
    expect(await dryRun("api", { ZONKE_DEPLOY_ROLE_ARN: role })).toEqual([
      `+ aws sts assume-role --role-arn ${role} --role-session-name zonke-<unique>`,
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api init -input=false -no-color",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api output -json",
      "+ read output release of zonke-dev-api",
      "+ aws ecs describe-services --cluster zonke-dev-api --services zonke-dev-api",
      "+ aws ecs update-service --cluster zonke-dev-api --service zonke-dev-api --task-definition <release.ecs taskDefinitionArn> (unless the service runs it already)",
      "+ aws ecs describe-services --cluster zonke-dev-api --services zonke-dev-api every 15 s until the PRIMARY deployment's rolloutState is COMPLETED (done), or FAILED or rolled back (exit 1), for at most 30 min",
      "",
    ]);
  });
});
