/**
 * A local Lambda instance (@zonke/lambda-local) of the packaged app from the global setup, in one
 * response mode. The Function URL's invoke mode follows the handler, so `http()` reads each mode
 * as its Function URL would. Like the nodejs22.x runtime, the instance finds the AWS SDK v3 on
 * `NODE_PATH` (the fixture's `runtimeModules`), unless `withRuntimeSdk` is false.
 */
import { startLambdaInstance, type LambdaInstance } from "@zonke/lambda-local";
import { fixture } from "./fixture";

export type Mode = "stream" | "buffered";

export interface NextServerInstance extends LambdaInstance {
  readonly mode: Mode;
}

export async function startNextServerInstance(
  mode: Mode,
  env: Record<string, string> = {},
  options: {
    readonly withRuntimeSdk?: boolean;
    /** Another copy of the package. @default the fixture's */
    readonly taskRoot?: string;
  } = {},
): Promise<NextServerInstance> {
  const { taskRoot, handler, runtimeModules } = fixture();
  const instance = await startLambdaInstance({
    taskRoot: options.taskRoot ?? taskRoot,
    handler,
    functionName: "test-next-server",
    nodePath: options.withRuntimeSdk === false ? [] : [runtimeModules],
    env: { ZONKE_RESPONSE_MODE: mode, ...env },
  });
  return { ...instance, mode };
}
