import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
} from "@aws-sdk/client-lambda";
import { DeleteServiceCommand } from "@aws-sdk/client-ecs";
import { AwsError } from "../src/errors";
import { createSession } from "../src/aws/session";
import { EcsServiceRestarter } from "../src/restart/ecs";
import {
  createEcsService,
  createEmptySecret,
  createServerFunction,
  currentValue,
  describeEcsService,
  ecs,
  lambda,
  REGION,
  uniqueProject,
  writeConfig,
} from "./support/aws";
import { runCli, secretValue } from "./support/cli";

/** A Next.js app on Lambda as its stack leaves it: the empty secret, the function, `live`. */
async function deployedApp() {
  const name = uniqueProject();
  const { file } = writeConfig(name);
  const secret = `${name}/dev/web`;
  const functionName = `${name}-dev-web-server`;
  await createEmptySecret(secret);
  const variables = {
    NODE_ENV: "production",
    ZONKE_RESPONSE_MODE: "stream",
    ZONKE_SECRET_ARNS: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${secret}`,
  };
  const { version } = await createServerFunction(functionName, variables);
  return {
    secret,
    functionName,
    variables,
    version,
    target: ["--app", "web", "--env", "dev", "--config", file],
  };
}

async function serverState(functionName: string) {
  const client = lambda();
  const latest = await client.send(
    new GetFunctionConfigurationCommand({ FunctionName: functionName }),
  );
  const alias = await client.send(
    new GetAliasCommand({ FunctionName: functionName, Name: "live" }),
  );
  const versions = await client.send(
    new ListVersionsByFunctionCommand({ FunctionName: functionName }),
  );
  return {
    variables: latest.Environment?.Variables,
    live: alias.FunctionVersion,
    published: versions.Versions!.map((v) => v.Version).filter((v) => v !== "$LATEST"),
  };
}

describe("--restart for a Next.js server on Lambda", () => {
  it("sets ZONKE_SECRETS_VERSION on $LATEST, publishes a version and points live at it", async () => {
    const app = await deployedApp();
    const result = await runCli([
      "secrets",
      "set",
      `API_KEY=${secretValue()}`,
      "--restart",
      ...app.target,
    ]);
    expect(result.code).toBe(0);

    const { versionId } = (await currentValue(app.secret))!;
    const state = await serverState(app.functionName);
    expect(state.variables).toEqual({ ...app.variables, ZONKE_SECRETS_VERSION: versionId });
    expect(state.published).toEqual([app.version, "2"]);
    expect(state.live).toBe("2");
    const published = await lambda().send(
      new GetFunctionConfigurationCommand({ FunctionName: app.functionName, Qualifier: "2" }),
    );
    expect(published.Environment?.Variables?.["ZONKE_SECRETS_VERSION"]).toBe(versionId);
    expect(result.stdout).toContain(`restarted Lambda function ${app.functionName} (alias live):`);
    expect(result.stdout).toContain(
      `$LATEST: ZONKE_SECRETS_VERSION=${versionId} (other variables kept)`,
    );
    expect(result.stdout).toContain("published version 2; alias live: version 1 -> 2");
    expect(result.stderr).toContain(`waiting for ${app.functionName} to finish updating`);

    // The next change rolls again, onto its own secret version.
    await runCli(["secrets", "unset", "API_KEY", "--restart", ...app.target]);
    const next = (await currentValue(app.secret))!.versionId;
    expect(next).not.toBe(versionId);
    const after = await serverState(app.functionName);
    expect(after.variables?.["ZONKE_SECRETS_VERSION"]).toBe(next);
    expect(after.live).toBe("3");
  });

  it("restarts nothing when nothing changed, and `restart` rolls the servers anyway", async () => {
    const app = await deployedApp();
    const value = secretValue();
    await runCli(["secrets", "set", `API_KEY=${value}`, ...app.target]);
    const same = await runCli(["secrets", "set", `API_KEY=${value}`, "--restart", ...app.target]);
    expect(same.stdout).toContain("servers not restarted: nothing changed");
    expect((await serverState(app.functionName)).live).toBe(app.version);

    const restart = await runCli(["secrets", "restart", ...app.target]);
    expect(restart.code).toBe(0);
    const state = await serverState(app.functionName);
    expect(state.variables?.["ZONKE_SECRETS_VERSION"]).toBe(
      (await currentValue(app.secret))!.versionId,
    );
    expect(state.live).toBe("2");
  });

  it("refuses before changing the secret when the server is not deployed", async () => {
    const name = uniqueProject();
    const { file } = writeConfig(name);
    await createEmptySecret(`${name}/dev/web`);
    const result = await runCli([
      "secrets",
      "set",
      `API_KEY=${secretValue()}`,
      "--restart",
      "--app",
      "web",
      "--env",
      "dev",
      "--config",
      file,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `zonke: the app's server, Lambda function ${name}-dev-web-server with alias live, does not exist in eu-west-1: deploy the app's stack first (npm start / cdktf deploy)\n`,
    );
    expect(await currentValue(`${name}/dev/web`)).toBeUndefined();
  });
});

/** Apps of one architecture, as writeConfig writes them. */
function appsOf(architecture: string, kinds: readonly ("nextjs" | "django")[]) {
  return kinds.map((kind) => ({
    name: kind === "nextjs" ? "web" : "api",
    kind,
    path: kind === "nextjs" ? "web" : "api",
    architecture,
    branches: { dev: "main", prod: "release" },
    secrets: kind === "nextjs" ? ["API_KEY"] : ["DJANGO_SECRET_KEY"],
  }));
}

/** The Django app of next-lambda-django-ecs (writeConfig's default), its secret and its service. */
async function deployedEcsApp(options: { desiredCount?: number } = {}) {
  const name = uniqueProject();
  const { file } = writeConfig(name);
  const secret = `${name}/dev/api`;
  const cluster = `${name}-dev-api`;
  const service = `${name}-dev-api`;
  await createEmptySecret(secret);
  const created = await createEcsService({
    cluster,
    service,
    secret,
    keys: ["DJANGO_SECRET_KEY"],
    ...options,
  });
  return {
    name,
    secret,
    cluster,
    service,
    created,
    target: ["--app", "api", "--env", "dev", "--config", file],
  };
}

function primary(service: { deployments?: { id?: string; status?: string }[] }) {
  return service.deployments?.find((d) => d.status === "PRIMARY");
}

describe("--restart for a server on ECS", () => {
  it("starts a new deployment of the Django service after `set`, changing nothing else", async () => {
    const app = await deployedEcsApp();
    const before = primary(app.created)!.id!;
    const result = await runCli([
      "secrets",
      "set",
      `DJANGO_SECRET_KEY=${secretValue()}`,
      "--restart",
      ...app.target,
    ]);
    expect(result.code).toBe(0);

    const after = await describeEcsService(app.cluster, app.service);
    const deployment = primary(after)!.id!;
    expect(deployment).toMatch(/^ecs-svc\//);
    expect(deployment).not.toBe(before);
    expect(after.taskDefinition).toBe(app.created.taskDefinition);
    expect(after.desiredCount).toBe(1);
    const { versionId } = (await currentValue(app.secret))!;
    expect(result.stdout.split("\n")).toEqual([
      `set DJANGO_SECRET_KEY in ${app.secret} (eu-west-1): version ${versionId}`,
      `restarted ECS service ${app.service} (cluster ${app.cluster}): new deployment ${deployment} (replaces ${before})`,
      `  its tasks read the secret's current values (version ${versionId}) when they start; ECS then stops the old tasks`,
      `  not waiting for it: add --wait, or watch it with aws ecs wait services-stable --cluster ${app.cluster} --services ${app.service} --region eu-west-1`,
      "",
    ]);
  });

  it("rolls the Next.js service of next-ecs-django-ecs with `restart --wait` until it is stable", async () => {
    const name = uniqueProject();
    const { file } = writeConfig(name, {
      apps: appsOf("next-ecs-django-ecs", ["nextjs", "django"]),
    });
    const secret = `${name}/dev/web`;
    await createEmptySecret(secret);
    const cluster = `${name}-dev-web`;
    const service = `${name}-dev-web`;
    // moto starts no tasks: a service of 0 tasks is the one it reports stable.
    const created = await createEcsService({
      cluster,
      service,
      secret,
      keys: ["API_KEY"],
      desiredCount: 0,
    });
    const target = ["--app", "web", "--env", "dev", "--config", file];
    await runCli(["secrets", "set", `API_KEY=${secretValue()}`, ...target]);

    const result = await runCli(["secrets", "restart", "--wait", ...target]);
    expect(result.code).toBe(0);
    const deployment = primary(await describeEcsService(cluster, service))!.id!;
    expect(deployment).not.toBe(primary(created)!.id);
    expect(result.stdout).toContain(
      `restarted ECS service ${service} (cluster ${cluster}): new deployment ${deployment}`,
    );
    expect(result.stdout).toContain(
      `  the service is stable: 0 of 0 tasks running of deployment ${deployment}\n`,
    );
    expect(result.stdout).not.toContain("not waiting");
    expect(result.stderr).toBe(
      `waiting for ECS service ${service} (cluster ${cluster}) to be stable on deployment ${deployment} (up to 600 s)...\n`,
    );
  });

  it("gives up waiting after maxWaitSec, saying that the deployment goes on", async () => {
    const app = await deployedEcsApp({ desiredCount: 1 });
    const restarter = new EcsServiceRestarter({
      session: createSession(REGION),
      cluster: app.cluster,
      service: app.service,
      retryCommand: "zonke secrets restart --app api --env dev",
      wait: true,
      maxWaitSec: 2,
    });
    await restarter.check();
    const failure = await restarter.restart("v1").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AwsError);
    const deployment = primary(await describeEcsService(app.cluster, app.service))!.id!;
    expect((failure as AwsError).message).toBe(
      `deployment ${deployment} of ECS service ${app.service} (cluster ${app.cluster}) did not ` +
        "finish within 2 s (0 of 1 tasks running, 1 deployments); the secret change is saved and " +
        `ECS goes on with the deployment: watch it with aws ecs describe-services --cluster ${app.cluster} ` +
        `--services ${app.service} --region eu-west-1, or run \`zonke secrets restart --app api --env dev\` ` +
        "to start another one",
    );
  });

  it("refuses before changing the secret when the service does not exist", async () => {
    const app = await deployedEcsApp();
    // Another app's service in the cluster; this app's is not deployed.
    const name = app.name;
    const { file } = writeConfig(name, {
      apps: [
        ...appsOf("next-lambda-django-ecs", ["nextjs"]),
        { ...appsOf("next-lambda-django-ecs", ["django"])[0], name: "admin", path: "admin" },
      ],
    });
    await createEmptySecret(`${name}/dev/admin`);
    const result = await runCli([
      "secrets",
      "set",
      `DJANGO_SECRET_KEY=${secretValue()}`,
      "--restart",
      "--app",
      "admin",
      "--env",
      "dev",
      "--config",
      file,
    ]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        `zonke: the app's server, ECS service ${name}-dev-admin (cluster ${name}-dev-admin), does not exist ` +
        `in eu-west-1 (there is no cluster ${name}-dev-admin): deploy the app's stack first (npm start / ` +
        "cdktf deploy); nothing was changed\n",
    });
    expect(await currentValue(`${name}/dev/admin`)).toBeUndefined();
  });

  it("refuses when the environment's cluster does not exist", async () => {
    const name = uniqueProject();
    const { file } = writeConfig(name);
    await createEmptySecret(`${name}/dev/api`);
    const result = await runCli([
      "secrets",
      "restart",
      "--app",
      "api",
      "--env",
      "dev",
      "--config",
      file,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `zonke: the app's server, ECS service ${name}-dev-api (cluster ${name}-dev-api), does not exist in eu-west-1 (there is no cluster ${name}-dev-api): deploy the app's stack first`,
    );
  });

  it("refuses an INACTIVE (deleted) service before changing the secret", async () => {
    const app = await deployedEcsApp({ desiredCount: 0 });
    await ecs().send(new DeleteServiceCommand({ cluster: app.cluster, service: app.service }));
    const result = await runCli([
      "secrets",
      "set",
      `DJANGO_SECRET_KEY=${secretValue()}`,
      "--restart",
      ...app.target,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `the app's server, ECS service ${app.service} (cluster ${app.cluster}), is INACTIVE in eu-west-1 (deleted): deploy the app's stack first`,
    );
    expect(result.stderr).toContain("nothing was changed");
    expect(await currentValue(app.secret)).toBeUndefined();
  });

  it("refuses a service that CodeDeploy deploys (no forced deployment there)", async () => {
    const name = uniqueProject();
    const { file } = writeConfig(name);
    const secret = `${name}/dev/api`;
    await createEmptySecret(secret);
    await createEcsService({
      cluster: `${name}-dev-api`,
      service: `${name}-dev-api`,
      secret,
      keys: ["DJANGO_SECRET_KEY"],
      deploymentController: "CODE_DEPLOY",
    });
    const result = await runCli([
      "secrets",
      "set",
      `DJANGO_SECRET_KEY=${secretValue()}`,
      "--restart",
      "--app",
      "api",
      "--env",
      "dev",
      "--config",
      file,
    ]);
    expect(result).toMatchObject({
      code: 2,
      stderr: `zonke: ECS service ${name}-dev-api (cluster ${name}-dev-api) is deployed by CODE_DEPLOY, not by ECS rolling updates, so zonke cannot start a new deployment of it; nothing was changed\n`,
    });
    expect(await currentValue(secret)).toBeUndefined();
  });
});

describe("--restart for django-lambda", () => {
  it("rolls the Django server function like any server on Lambda", async () => {
    const name = uniqueProject();
    const { file } = writeConfig(name, { apps: appsOf("django-lambda", ["django"]) });
    const secret = `${name}/dev/api`;
    const functionName = `${name}-dev-api-server`;
    await createEmptySecret(secret);
    const variables = { ZONKE_DOMAINS: ".cloudfront.net", ZONKE_SECRET_ARNS: secret };
    const { version } = await createServerFunction(functionName, variables);
    const result = await runCli([
      "secrets",
      "set",
      `DJANGO_SECRET_KEY=${secretValue()}`,
      "--restart",
      "--app",
      "api",
      "--env",
      "dev",
      "--config",
      file,
    ]);
    expect(result.code).toBe(0);
    const { versionId } = (await currentValue(secret))!;
    const state = await serverState(functionName);
    expect(state.variables).toEqual({ ...variables, ZONKE_SECRETS_VERSION: versionId });
    expect(state.live).not.toBe(version);
    expect(result.stdout).toContain(`restarted Lambda function ${functionName} (alias live):`);
  });
});
