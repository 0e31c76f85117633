/**
 * N local instances of one function, started in parallel. An invocation goes to an idle
 * instance; when all are busy it waits for the first one to finish. (Lambda would start another
 * instance, or throttle at the concurrency limit: a fixed pool makes a benchmark's concurrency
 * explicit instead.)
 */
import { functionUrlAnswer, type HttpAnswer } from "./function-url-answer";
import type { InvokeResult } from "./invoke-result";
import {
  startLambdaInstance,
  type LambdaInstance,
  type LambdaInstanceOptions,
} from "./lambda-instance";

export interface LambdaPoolOptions extends LambdaInstanceOptions {
  /** How many instances. @default 1 */
  readonly instances?: number;
}

export interface LambdaPool {
  readonly instances: readonly LambdaInstance[];
  invoke(event: unknown): Promise<InvokeResult>;
  /** Invokes and reads the result as a Function URL would answer it. */
  http(event: unknown): Promise<HttpAnswer>;
  /** Stops every instance. */
  stop(): Promise<void>;
}

export async function startLambdaPool(options: LambdaPoolOptions): Promise<LambdaPool> {
  const count = options.instances ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`instances must be a whole number of at least 1, not ${count}`);
  }
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => startLambdaInstance(options)),
  );
  const instances = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failure = started.find((s) => s.status === "rejected");
  if (failure) {
    await Promise.all(instances.map((instance) => instance.stop()));
    throw failure.reason;
  }

  const idle = [...instances];
  const waiters: Array<(instance: LambdaInstance) => void> = [];
  const acquire = (): Promise<LambdaInstance> => {
    const instance = idle.shift();
    return instance ? Promise.resolve(instance) : new Promise((resolve) => waiters.push(resolve));
  };
  const release = (instance: LambdaInstance): void => {
    const waiter = waiters.shift();
    if (waiter) waiter(instance);
    else idle.push(instance);
  };

  async function invoke(event: unknown): Promise<InvokeResult> {
    const instance = await acquire();
    try {
      return await instance.invoke(event);
    } finally {
      release(instance);
    }
  }

  return {
    instances,
    invoke,
    http: async (event) => functionUrlAnswer(await invoke(event)),
    stop: async () => {
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
}
