/**
 * Lambda's scaling, locally: each invocation goes to an idle instance; when all are busy a new
 * instance starts (a child process running warm-function.ts) until the concurrency limit, after
 * which invocations are throttled (429). An instance is busy from the moment it is chosen (or
 * starts) until it answers, like a Lambda execution environment.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { answer, throttled, type InvocationResult } from "./fake-lambda-api";

interface Instance {
  readonly child: ChildProcess;
  busy: boolean;
}

type ChildMessage =
  | { id: number; result: unknown }
  | { id: number; error: { errorType: string; errorMessage: string } };

/** Bundles warm-function.ts (and @zonke/lambda-runtime's dist) into `outDir`; returns the file. */
export async function bundleWarmFunction(outDir: string): Promise<string> {
  const outfile = path.join(outDir, "warm-function.js");
  await esbuild.build({
    entryPoints: [path.join(__dirname, "warm-function.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}

export class FunctionPool {
  private readonly instances: Instance[] = [];
  private nextId = 1;
  /** Instances ever started: each start is a cold start. */
  started = 0;

  constructor(
    private readonly script: string,
    private readonly concurrencyLimit: number,
  ) {}

  get size(): number {
    return this.instances.length;
  }

  async invoke(payload: string): Promise<InvocationResult> {
    let instance = this.instances.find((candidate) => !candidate.busy);
    if (!instance) {
      if (this.instances.length >= this.concurrencyLimit) return throttled();
      instance = this.start();
    }
    instance.busy = true;
    try {
      return await this.send(instance, JSON.parse(payload));
    } finally {
      instance.busy = false;
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.instances.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        child.kill();
        await exited;
      }),
    );
    this.instances.length = 0;
  }

  private start(): Instance {
    const child = fork(this.script, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const instance: Instance = { child, busy: true };
    this.instances.push(instance);
    this.started += 1;
    return instance;
  }

  private async send(instance: Instance, event: unknown): Promise<InvocationResult> {
    const id = this.nextId++;
    const reply = new Promise<ChildMessage>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.id === id) {
          instance.child.off("message", onMessage);
          instance.child.off("exit", onExit);
          resolve(message);
        }
      };
      const onExit = () => reject(new Error("the instance exited during an invocation"));
      instance.child.on("message", onMessage);
      instance.child.once("exit", onExit);
    });
    instance.child.send({ id, event });
    const message = await reply;
    if ("error" in message) return answer(message.error, "Unhandled");
    return answer("result" in message ? message.result : null);
  }
}
