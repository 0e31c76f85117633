import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
} from "@aws-sdk/client-lambda";
import {
  createEmptySecret,
  createServerFunction,
  currentValue,
  lambda,
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
