#!/usr/bin/env node
// `zonke secrets ...` and `zonke plan ...`: see ./args.ts for the usage and ./run.ts for the exit
// codes.
import { setTimeout as sleep } from "node:timers/promises";
import { run, type RunOptions } from "./run";

// The SDK warns on Node 20 that its releases after January 2027 need Node 22: a note for whoever
// pins the SDK, not something a user of this command can act on.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

/**
 * ZONKE_TEST_PAUSE_AFTER_READ_MS widens the window between reading the secret and writing it, so
 * that tests can make two processes collide. Tests only; it changes no result, only the timing.
 */
function testHooks(env: NodeJS.ProcessEnv): RunOptions["store"] {
  const pause = Number(env["ZONKE_TEST_PAUSE_AFTER_READ_MS"]);
  return pause > 0 ? { afterRead: () => sleep(pause).then(() => undefined) } : undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const hooks = testHooks(process.env);
/**
 * ZONKE_TEST_TF_OVERRIDE: a Terraform override file (`*_override.tf.json`) that `zonke plan`
 * copies into every stack before init, so that tests can plan against moto with the provider
 * version of the offline mirror. Tests only.
 */
const terraformOverride = process.env["ZONKE_TEST_TF_OVERRIDE"];
void run(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr, readStdin },
  env: process.env,
  cwd: process.cwd(),
  ...(hooks ? { store: hooks } : {}),
  ...(terraformOverride ? { terraformOverride } : {}),
}).then((code) => {
  process.exitCode = code;
});
