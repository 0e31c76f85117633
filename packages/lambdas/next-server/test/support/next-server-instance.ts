/**
 * A local Lambda instance (@zonke/lambda-local) of the packaged app from the global setup, in one
 * response mode. The Function URL's invoke mode follows the handler, so `http()` reads each mode
 * as its Function URL would.
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
): Promise<NextServerInstance> {
  const { taskRoot, handler } = fixture();
  const instance = await startLambdaInstance({
    taskRoot,
    handler,
    functionName: "test-next-server",
    env: { ZONKE_RESPONSE_MODE: mode, ...env },
  });
  return { ...instance, mode };
}
