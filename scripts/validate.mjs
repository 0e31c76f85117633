#!/usr/bin/env node
// `npm run validate`: every stack of the example config, of the all-options fixture and of the
// modules fixture (security/fixtures/modules-app.mjs) goes
// through `init` (providers from local mirrors only), `validate` and `plan`, offline, with no AWS
// account. Prints a table (stack, validate, plan, resources to add); exits 1 if any stack fails,
// 3 if the toolchain is missing (scripts/terraform-toolchain says why).
//
// Offline means, in a throwaway copy of each stack (an *_override.tf.json file, which Terraform
// merges into the stack): state is local (synth --state local), fake credentials, no credential
// or account look-ups, and no allowed_account_ids check (it needs the account look-up). Plans run
// with -refresh=false, so nothing is read from AWS.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const CONFIGS = ["zonke.config.ts", "security/fixtures/all-options.config.ts"];
const CONCURRENCY = Math.max(1, Math.min(2, os.availableParallelism()));

function toolchain() {
  try {
    const envFile = execFileSync(path.join(root, "scripts/terraform-toolchain"), {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    return Object.fromEntries(
      fs
        .readFileSync(envFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  } catch (error) {
    if (error.status === 3) {
      console.log("validate: skipped: toolchain not installed (run scripts/terraform-toolchain)");
      process.exit(3);
    }
    throw error;
  }
}

function synthesise(outdir) {
  const stacks = [];
  for (const config of CONFIGS) {
    const out = path.join(outdir, path.basename(config, ".config.ts"));
    execFileSync(
      process.execPath,
      [
        "packages/stacks/dist/main.js",
        "--quiet",
        "--state",
        "local",
        "--config",
        config,
        "--out",
        out,
      ],
      { cwd: root, stdio: "inherit" },
    );
  }
  const modulesOut = path.join(outdir, "modules");
  execFileSync(process.execPath, ["security/fixtures/modules-app.mjs", "--out", modulesOut], {
    cwd: root,
    stdio: "inherit",
  });
  for (const out of fs.readdirSync(outdir).map((name) => path.join(outdir, name))) {
    for (const name of fs.readdirSync(path.join(out, "stacks")).sort()) {
      stacks.push({ name, dir: path.join(out, "stacks", name) });
    }
  }
  return stacks;
}

/**
 * The outputs a stack reads from other stacks (cdktf's cross-stack references) come from an empty
 * state file in the throwaway copy, which makes `terraform_remote_state` fall back to `defaults`.
 */
const OFFLINE_REMOTE_STATE = "zonke-offline-empty.tfstate";
const EMPTY_STATE = JSON.stringify({
  version: 4,
  serial: 1,
  lineage: "zonke-offline",
  outputs: {},
  resources: [],
});

function remoteStateDefaults(stackJson) {
  const text = JSON.stringify(stackJson);
  const data = {};
  for (const name of Object.keys(stackJson.data?.terraform_remote_state ?? {})) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const outputs = new Set(
      [
        ...text.matchAll(
          new RegExp(`terraform_remote_state\\.${escaped}\\.outputs\\.([\\w-]+)`, "g"),
        ),
      ].map((match) => match[1]),
    );
    data[name] = {
      backend: "local",
      config: { path: OFFLINE_REMOTE_STATE },
      defaults: Object.fromEntries(
        [...outputs].map((output) => [output, `offline-${output.slice(-24)}`]),
      ),
    };
  }
  return Object.keys(data).length > 0 ? { data: { terraform_remote_state: data } } : {};
}

/**
 * Values for the variables the pipeline sets (a Django image's `image_digest`): a digest of zeros
 * passes the variable's validation, and the plan shows where it goes.
 */
const OFFLINE_VARIABLE_VALUES = { image_digest: `sha256:${"0".repeat(64)}` };

function variableDefaults(stackJson) {
  const variable = {};
  for (const [name, declared] of Object.entries(stackJson.variable ?? {})) {
    if (declared.default !== undefined) continue;
    if (!(name in OFFLINE_VARIABLE_VALUES)) {
      throw new Error(`validate: no offline value for the required variable ${name}`);
    }
    variable[name] = { default: OFFLINE_VARIABLE_VALUES[name] };
  }
  return Object.keys(variable).length > 0 ? { variable } : {};
}

/**
 * The AWS look-ups a plan must make even offline: CloudFront's origin-facing prefix list (the
 * internal load balancers admit it) and the ECS-optimised AMI's public SSM parameter (EC2
 * capacity). A local stand-in for the EC2 and SSM APIs answers those calls with fixed values and
 * refuses any other, so a new look-up shows up here instead of passing unnoticed.
 */
const OFFLINE_PREFIX_LIST_ID = "pl-0ff11e0000000000";

function answerSsmParameter(name, response) {
  if (!/^\/aws\/service\/ecs\/optimized-ami\//.test(name)) {
    response.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
    response.end(
      JSON.stringify({
        __type: "OfflineValidation",
        message: `validate.mjs has no offline answer for SSM parameter ${name}`,
      }),
    );
    return;
  }
  response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
  response.end(
    JSON.stringify({
      Parameter: { Name: name, Type: "String", Value: "ami-0ff11e00000000000", Version: 1 },
    }),
  );
}

function startAwsStandIn() {
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.headers["x-amz-target"] === "AmazonSSM.GetParameter") {
        answerSsmParameter(JSON.parse(body).Name, response);
        return;
      }
      const action = new URLSearchParams(body).get("Action");
      if (action === "GetManagedPrefixListEntries") {
        response.writeHead(200, { "content-type": "text/xml" });
        response.end(
          `<GetManagedPrefixListEntriesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>offline</requestId><entrySet><item><cidr>192.0.2.0/24</cidr></item></entrySet></GetManagedPrefixListEntriesResponse>`,
        );
        return;
      }
      if (action !== "DescribeManagedPrefixLists") {
        response.writeHead(400, { "content-type": "text/xml" });
        response.end(
          `<Response><Errors><Error><Code>OfflineValidation</Code><Message>validate.mjs has no offline answer for EC2 ${action}</Message></Error></Errors><RequestID>offline</RequestID></Response>`,
        );
        return;
      }
      response.writeHead(200, { "content-type": "text/xml" });
      response.end(`<DescribeManagedPrefixListsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>offline</requestId>
  <prefixListSet><item>
    <prefixListId>${OFFLINE_PREFIX_LIST_ID}</prefixListId>
    <addressFamily>IPv4</addressFamily>
    <state>create-complete</state>
    <prefixListArn>arn:aws:ec2:eu-west-1:aws:prefix-list/${OFFLINE_PREFIX_LIST_ID}</prefixListArn>
    <prefixListName>com.amazonaws.global.cloudfront.origin-facing</prefixListName>
    <maxEntries>55</maxEntries>
    <version>1</version>
    <ownerId>AWS</ownerId>
    <tagSet/>
  </item></prefixListSet>
</DescribeManagedPrefixListsResponse>`);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

/** Offline settings for every AWS provider of the stack (the default one and each alias). */
function offlineOverride(tools, stackJson) {
  const aliases = (stackJson.provider?.aws ?? [{}]).map((p) => p.alias);
  const override = {
    ...remoteStateDefaults(stackJson),
    ...variableDefaults(stackJson),
    provider: {
      aws: aliases.map((alias) => ({
        ...(alias ? { alias } : {}),
        access_key: "AKIAOFFLINEVALIDATION",
        secret_key: "offline-validation-only",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: "true",
        allowed_account_ids: null,
        endpoints: [{ ec2: tools.AWS_STAND_IN_URL, ssm: tools.AWS_STAND_IN_URL }],
      })),
    },
    // The full address: OpenTofu would read a bare "aws" as registry.opentofu.org/hashicorp/aws.
    terraform: {
      required_providers: {
        aws: { source: "registry.terraform.io/hashicorp/aws", version: tools.AWS_PROVIDER_VERSION },
      },
    },
  };
  return JSON.stringify(override, null, 2);
}

function run(tools, dir, args) {
  return new Promise((resolve) => {
    const child = spawn(tools.TERRAFORM_CLI, args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TF_CLI_CONFIG_FILE: tools.TF_CLI_CONFIG_FILE,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
        // Never pick up a real profile or instance role.
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
      },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ ok: code === 0, output }));
  });
}

/** The first diagnostics Terraform printed (from its first "Error:"), without box drawing. */
const firstErrors = (output) => {
  const lines = output
    .split("\n")
    .map((line) => line.replace(/^[│╷╵]\s?/, "").trimEnd())
    .filter((line) => line.trim());
  const firstError = lines.findIndex((line) => line.startsWith("Error:"));
  return lines.slice(Math.max(0, firstError), Math.max(0, firstError) + 20).join("\n    ");
};

// Terraform's plugin cache is not safe for concurrent installs ("file exists" when two inits fill
// an empty cache), so inits take turns; once cached, an init only links the provider.
let initQueue = Promise.resolve();
function initOneAtATime(tools, dir) {
  const init = initQueue.then(() => run(tools, dir, ["init", "-input=false", "-no-color"]));
  initQueue = init.then(() => undefined);
  return init;
}

async function check(tools, stack) {
  const stackJson = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"));
  fs.writeFileSync(
    path.join(stack.dir, "zonke_offline_override.tf.json"),
    offlineOverride(tools, stackJson),
  );
  fs.writeFileSync(path.join(stack.dir, OFFLINE_REMOTE_STATE), EMPTY_STATE);
  const result = { stack: stack.name, validate: "-", plan: "-", toAdd: "-", errors: "" };
  const init = await initOneAtATime(tools, stack.dir);
  if (!init.ok) return { ...result, validate: "init failed", errors: firstErrors(init.output) };
  const validate = await run(tools, stack.dir, ["validate", "-no-color"]);
  if (!validate.ok) return { ...result, validate: "FAILED", errors: firstErrors(validate.output) };
  const plan = await run(tools, stack.dir, [
    "plan",
    "-input=false",
    "-lock=false",
    "-refresh=false",
    "-no-color",
    "-out=offline.tfplan",
  ]);
  if (!plan.ok)
    return { ...result, validate: "ok", plan: "FAILED", errors: firstErrors(plan.output) };
  const shown = await run(tools, stack.dir, ["show", "-json", "offline.tfplan"]);
  const changes = JSON.parse(shown.output).resource_changes ?? [];
  const toAdd = changes.filter((c) => c.change.actions.includes("create")).length;
  return { ...result, validate: "ok", plan: "ok", toAdd: String(toAdd) };
}

async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const standIn = await startAwsStandIn();
const tools = { ...toolchain(), AWS_STAND_IN_URL: standIn.url };
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-validate-"));
try {
  const stacks = synthesise(outdir);
  const results = await pool(stacks, CONCURRENCY, (stack) => check(tools, stack));

  const header = ["stack", "validate", "plan", "to add"];
  const rows = results.map((r) => [r.stack, r.validate, r.plan, r.toAdd]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  console.log(
    `\n${execFileSync(tools.TERRAFORM_CLI, ["version"], { encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } }).split("\n")[0]}, hashicorp/aws ${tools.AWS_PROVIDER_VERSION}`,
  );
  if (tools.AWS_PROVIDER_VERSION !== tools.AWS_PROVIDER_WANTED) {
    console.log(
      `note: the stacks pin hashicorp/aws ${tools.AWS_PROVIDER_WANTED}, which cannot be obtained here; checked against ${tools.AWS_PROVIDER_VERSION}`,
    );
  }
  console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
  const failed = results.filter((r) => r.errors);
  for (const r of failed) console.log(`\n${r.stack}:\n    ${r.errors}`);
  console.log(`\nvalidate: ${results.length - failed.length} passed, ${failed.length} failed`);
  process.exitCode = failed.length > 0 ? 1 : 0;
} finally {
  standIn.server.close();
  fs.rmSync(outdir, { recursive: true, force: true });
}
