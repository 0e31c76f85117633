import * as fs from "node:fs";
import * as path from "node:path";
import { isValidationError } from "@zonke/modules";
import { parseInvocation, type SecretsCommand, type Target } from "./args";
import { isCliError, UsageError } from "./errors";
import { callerIdentity, checkAccount } from "./aws/identity";
import { createSession } from "./aws/session";
import { createRestarter } from "./restart";
import { collectAssignments, type KeyValue } from "./secrets/assignments";
import {
  getKey,
  listKeys,
  restartServers,
  setKeys,
  unsetKeys,
  type CommandContext,
  type Printer,
} from "./secrets/commands";
import { SecretStore, type SecretStoreOptions } from "./secrets/store";
import { runPlan } from "./plan/command";
import { runBuild } from "./build/command";
import { runPipeline } from "./pipeline/command";
import { isDeployInvocation, runDeployInvocation } from "./deploy";
import { resolveTarget } from "./target";

export interface Io {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** Reads standard input (`--from-file -`). */
  readonly readStdin: () => Promise<string>;
}

export interface RunOptions {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Test hooks for the secret store (a concurrent change between read and write). */
  readonly store?: Pick<SecretStoreOptions, "afterRead" | "maxAttempts" | "retryDelayMs">;
  /** Tests only: a Terraform override file `zonke plan` copies into every stack before init. */
  readonly terraformOverride?: string;
}

/**
 * Runs `zonke ...` and returns the exit code: 0 done, 1 AWS refused or failed (plan: a stack could
 * not be planned), 2 a mistake to fix, 3 a missing tool (plan: Terraform), 70 a bug. Never throws;
 * never prints a stack trace unless ZONKE_DEBUG=1.
 */
export async function run(argv: readonly string[], options: RunOptions): Promise<number> {
  const { io } = options;
  try {
    const invocation = parseInvocation(argv, options.env);
    if (invocation.help) {
      io.stdout.write(`${invocation.usage}\n`);
      return 0;
    }
    if (isDeployInvocation(invocation)) {
      return await runDeployInvocation(invocation, { io, env: options.env, cwd: options.cwd });
    }
    if (invocation.name === "build") {
      return await runBuild(invocation.build, io, { env: options.env, cwd: options.cwd });
    }
    if (invocation.name === "pipeline") {
      return await runPipeline(invocation.pipeline, io, {
        env: options.env,
        cwd: options.cwd,
        ...(options.terraformOverride ? { terraformOverride: options.terraformOverride } : {}),
      });
    }
    if (invocation.name === "plan") {
      return await runPlan(
        invocation.plan,
        { out: (text) => io.stdout.write(text), err: (line) => io.stderr.write(`${line}\n`) },
        {
          env: options.env,
          cwd: options.cwd,
          ...(options.terraformOverride ? { terraformOverride: options.terraformOverride } : {}),
        },
      );
    }
    await runSecrets(invocation.command, invocation.target, options);
    return 0;
  } catch (error) {
    if (isCliError(error) || isValidationError(error) || isParseArgsError(error)) {
      io.stderr.write(`zonke: ${(error as Error).message}\n`);
      if (isParseArgsError(error)) io.stderr.write("run `zonke --help` for usage\n");
      return isCliError(error) ? error.exitCode : 2;
    }
    // A bug. Its message could quote data, so it is shown only on request.
    io.stderr.write(
      `zonke: internal error (${(error as Error)?.name ?? typeof error}); please report it, ` +
        "with the output of the same command run with ZONKE_DEBUG=1\n",
    );
    if (options.env["ZONKE_DEBUG"] === "1")
      io.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    return 70;
  }
}

async function runSecrets(
  command: SecretsCommand,
  where: Target,
  options: RunOptions,
): Promise<void> {
  // Everything that needs no AWS first: arguments, the file, key names, the config.
  const entries =
    command.name === "set" ? await readAssignments(command, options) : ([] as KeyValue[]);
  const target = resolveTarget(where, options.cwd);

  const session = createSession(target.region);
  const identity = await callerIdentity(session);
  checkAccount(identity, target);

  const print = printer(options.io);
  const restartCommand = [
    "zonke secrets restart",
    `--app ${target.app.name}`,
    `--env ${target.envName}`,
    ...(where.config ? [`--config ${where.config}`] : []),
  ].join(" ");
  const wantsRestart =
    command.name === "restart" ||
    ((command.name === "set" || command.name === "unset") && command.restart);
  const restarter = wantsRestart
    ? createRestarter(target, session, {
        caller: identity.arn,
        retryCommand: restartCommand,
        progress: print.err,
        wait: "wait" in command && command.wait,
      })
    : undefined;
  // Before any change: a change that --restart cannot follow is not made.
  await restarter?.check();

  const context: CommandContext = {
    target,
    print,
    restarter,
    restartCommand,
    store: new SecretStore(session.secretsManager, target.names.secret, target.region, {
      caller: identity.arn,
      ...options.store,
    }),
  };
  switch (command.name) {
    case "set":
      return setKeys(context, entries);
    case "unset":
      return unsetKeys(context, command.keys);
    case "list":
      return listKeys(context);
    case "get":
      return getKey(context, command.key, command.reveal);
    case "restart":
      return restartServers(context);
  }
}

async function readAssignments(
  command: Extract<SecretsCommand, { name: "set" }>,
  options: RunOptions,
): Promise<KeyValue[]> {
  if (command.fromFile === undefined) return collectAssignments(command.assignments, undefined);
  const name = command.fromFile;
  let text: string;
  if (name === "-") {
    text = await options.io.readStdin();
  } else {
    try {
      text = fs.readFileSync(path.resolve(options.cwd, name), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === "ENOENT"
          ? `--from-file ${name}: no such file`
          : `--from-file ${name}: cannot read it (${code ?? "error"})`,
      );
    }
  }
  return collectAssignments(command.assignments, { name: name === "-" ? "stdin" : name, text });
}

function printer(io: Io): Printer {
  return {
    out: (line) => io.stdout.write(`${line}\n`),
    err: (line) => io.stderr.write(`${line}\n`),
    raw: (text) => io.stdout.write(text),
    interactive: io.stdout.isTTY === true,
  };
}

function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown } | undefined)?.code).startsWith("ERR_PARSE_ARGS");
}
