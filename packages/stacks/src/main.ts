#!/usr/bin/env node
// The synth entry: `npm run synth` runs it with node directly (the fast path), `cdktf synth` runs
// it through cdktf.json. Both write the same cdktf.out/stacks/<stack>/cdk.tf.json.
import "./startup";
import { parseArgs } from "node:util";
import { isValidationError } from "@zonke/modules";
import { loadConfig, DEFAULT_CONFIG_FILE } from "./config/load";
import { buildApp } from "./synthesize";
import { formatSummary, summarize } from "./summary";

const USAGE = `usage: zonke-synth [--env <name>]... [--app <name>]... [--pipelines-only] [--config <file>]
                   [--out <dir>] [--state local] [--hcl] [--quiet]

  --env      environment to synthesise (repeat for several; default: all; env ZONKE_ENV=dev,prod)
  --app      only this app's stacks and those of the API it calls (repeat for several; default:
             every app), so the other apps need not be built
  --pipelines-only  only the shared stacks and each app's registry and pipeline stacks (what
             zonke pipeline deploy applies; no app needs to be built)
  --config   config file (default: ${DEFAULT_CONFIG_FILE}; env ZONKE_CONFIG)
  --out      output folder (default: cdktf.out, or $CDKTF_OUTDIR)
  --state    "local" keeps every stack's state in local files, e.g. to plan offline (env ZONKE_STATE)
  --hcl      write HCL (cdk.tf) instead of JSON (cdk.tf.json)
  --quiet    print no summary`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: "string", multiple: true },
      app: { type: "string", multiple: true },
      "pipelines-only": { type: "boolean", default: false },
      config: { type: "string" },
      out: { type: "string" },
      state: { type: "string" },
      hcl: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const environments = (values.env ?? process.env.ZONKE_ENV?.split(",") ?? [])
    .flatMap((e) => e.split(","))
    .map((e) => e.trim())
    .filter(Boolean);
  const state = values.state ?? process.env.ZONKE_STATE;
  if (state !== undefined && state !== "local" && state !== "") {
    throw new UsageError(`--state "${state}" is not allowed; the only override is "local"`);
  }

  const loaded = loadConfig(values.config || process.env.ZONKE_CONFIG || DEFAULT_CONFIG_FILE);
  const { app, stacks, pending } = buildApp(loaded, {
    environments,
    ...(values.out ? { outdir: values.out } : {}),
    ...(state === "local" ? { stateOverride: "local" as const } : {}),
    apps: (values.app ?? [])
      .flatMap((a) => a.split(","))
      .map((a) => a.trim())
      .filter(Boolean),
    pipelinesOnly: values["pipelines-only"],
    // `cdktf synth --hcl` asks through $SYNTH_HCL_OUTPUT.
    hcl: values.hcl || ["true", "1"].includes(process.env.SYNTH_HCL_OUTPUT ?? ""),
  });
  app.synth();
  if (!values.quiet) console.log(formatSummary(summarize(app.outdir, stacks), pending));
  return 0;
}

class UsageError extends Error {}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (
    isValidationError(error) ||
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
  ) {
    console.error(`zonke: ${(error as Error).message}`);
    if (!isValidationError(error)) console.error(`\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error("zonke: internal error (please report it with the output below)");
    console.error(error);
    process.exitCode = 70;
  }
}
