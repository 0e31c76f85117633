/**
 * A stand-in for the Django runtime on Lambda, answering the manage protocol exactly as
 * zonke_runtime is specified to (README, "The manage protocol"): a handler module in a temporary
 * task root, run by @zonke/lambda-local as a Lambda instance (child process, Lambda environment),
 * that runs `python manage.py <command> <args...>` in a real Django project and answers
 * `{"zonke":"manage","exitCode":...,"output":...}` with stdout and stderr interleaved as printed.
 * Any other event gets an app answer, as a Django server would give.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startLambdaInstance, type LambdaInstance } from "@zonke/lambda-local";
import { PYTHON, type DjangoProject } from "./django-project";

const HANDLER = `
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

exports.handler = async (event) => {
  if (!event || event.zonke !== "manage") return { statusCode: 200, body: "the app" };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "manage-"));
  const file = path.join(dir, "output");
  const fd = fs.openSync(file, "w");
  try {
    const result = spawnSync(process.env.PYTHON, ["manage.py", event.command, ...(event.args || [])], {
      cwd: process.env.DJANGO_PROJECT,
      stdio: ["ignore", fd, fd],
      env: { PATH: process.env.PATH, PYTHONUNBUFFERED: "1" },
    });
    return { zonke: "manage", exitCode: result.status === null ? 1 : result.status,
      output: fs.readFileSync(file, "utf8") };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
`;

export interface ManageFunction {
  readonly instance: LambdaInstance;
  /** Events the instance received, in order. */
  readonly events: unknown[];
  invoke(payload: string): Promise<{ result: unknown; functionError?: string }>;
  stop(): Promise<void>;
}

export async function startManageFunction(project: DjangoProject): Promise<ManageFunction> {
  const taskRoot = mkdtempSync(path.join(tmpdir(), "migrator-manage-fn-"));
  writeFileSync(path.join(taskRoot, "index.js"), HANDLER);
  const instance = await startLambdaInstance({
    taskRoot,
    functionName: "shop-prod-django",
    env: { DJANGO_PROJECT: project.dir, PYTHON },
    timeoutSec: 900,
  });
  const events: unknown[] = [];
  return {
    instance,
    events,
    async invoke(payload) {
      const event = JSON.parse(payload);
      events.push(event);
      const result = await instance.invoke(event);
      if (result.type === "error") {
        return {
          result: { errorType: result.errorType, errorMessage: result.errorMessage },
          functionError: "Unhandled",
        };
      }
      return { result: result.type === "buffered" ? result.result : null };
    },
    async stop() {
      await instance.stop();
      rmSync(taskRoot, { recursive: true, force: true });
    },
  };
}
