/**
 * Secrets never pass through Terraform: set values in moto with the CLI for every app and
 * environment of the example config (zonke.config.ts), synthesise all of its stacks, and look for
 * the values in everything synth wrote. Also checks that the stacks name the secret and the server
 * as the CLI does (appResourceNames, one place for both).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { appResourceNames, buildApp, loadConfig } from "@zonke/stacks";
import { accountCredentials, createEmptySecret, tempDir } from "./support/aws";
import { secretValue, spawnCli } from "./support/cli";
import { ensureAppPackages, EXAMPLE_CONFIG } from "./support/example-apps";

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("the example config's stacks after secrets were set", () => {
  const values: string[] = [];
  let outdir: string;

  beforeAll(async () => {
    ensureAppPackages();
    const { config } = loadConfig(EXAMPLE_CONFIG);
    for (const [envName, env] of Object.entries(config.environments)) {
      const credentials = await accountCredentials(env.account);
      const envVars = {
        ...process.env,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      };
      for (const app of config.apps) {
        const names = appResourceNames(config.project, envName, app.name);
        await createEmptySecret(names.secret, env.region, credentials);
        const assignments = app.secrets.map((key) => {
          const value = secretValue((m) => `${key.toLowerCase()}-${m}`);
          values.push(value);
          return `${key}=${value}`;
        });
        const extra = secretValue((m) => `{"json":"${m}"}`);
        values.push(extra);
        const result = await spawnCli(
          [
            "secrets",
            "set",
            ...assignments,
            `EXTRA_JSON=${extra}`,
            "--app",
            app.name,
            "--env",
            envName,
            "--config",
            EXAMPLE_CONFIG,
          ],
          { env: envVars },
        );
        expect(result.code).toBe(0);
      }
    }
    outdir = tempDir("synth");
    const { app } = buildApp(loadConfig(EXAMPLE_CONFIG), { outdir });
    app.synth();
  }, 120_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("contains none of the values in any synthesised file", () => {
    const stackFiles = filesUnder(outdir).filter((file) => file.endsWith("cdk.tf.json"));
    expect(stackFiles.map((file) => path.basename(path.dirname(file)))).toEqual(
      expect.arrayContaining(["zonke-dev-web", "zonke-prod-web", "zonke-dev-network"]),
    );
    expect(values.length).toBeGreaterThanOrEqual(8);
    for (const file of filesUnder(outdir)) {
      const text = fs.readFileSync(file, "utf8");
      for (const value of values) {
        if (text.includes(value)) throw new Error(`${file} contains a secret value`);
      }
    }
  });

  it("creates the secret without a version, under the name the CLI writes to", () => {
    for (const envName of ["dev", "prod"]) {
      const names = appResourceNames("zonke", envName, "web");
      const json = JSON.parse(
        fs.readFileSync(path.join(outdir, "stacks", `zonke-${envName}-web`, "cdk.tf.json"), "utf8"),
      );
      const secrets = Object.values(json.resource.aws_secretsmanager_secret) as { name: string }[];
      expect(secrets.map((s) => s.name)).toEqual([names.secret]);
      expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
      const functions = Object.values(json.resource.aws_lambda_function) as {
        function_name: string;
      }[];
      expect(functions.map((f) => f.function_name)).toContain(names.serverFunction);
      const aliases = Object.values(json.resource.aws_lambda_alias) as { name: string }[];
      expect(aliases.map((a) => a.name)).toContain(names.serverAlias);
    }
  });
});
