import { LambdaClient, type LambdaClientConfig } from "@aws-sdk/client-lambda";
import { MAX_INVOKES_PER_RUN } from "./config";

/**
 * Time an instance may take to start before it holds its answer: Lambda's init phase is capped at
 * 10 s, plus margin for the network. The warmer's own timeout must exceed delay + this.
 */
export const INIT_ALLOWANCE_MS = 15_000;
const CONNECT_TIMEOUT_MS = 3_000;

export interface WarmerClientOptions {
  readonly delayMs: number;
  /** @default INIT_ALLOWANCE_MS */
  readonly initAllowanceMs?: number;
}

/**
 * The Lambda client for warm invokes.
 * - One attempt: a retry would land on an instance that already answered and count it twice; the
 *   next run comes in 5 minutes.
 * - A request timeout of delay + init allowance: an invoke that takes longer is reported, not
 *   awaited until the warmer itself times out.
 * - Enough sockets for every invoke of a run at once (the SDK's default of 50 would queue the rest
 *   behind the delay, so they would reuse instances), and no keep-alive: between runs the
 *   environment is frozen for minutes and a stale pooled socket would fail an attempt that is
 *   never retried.
 */
export function createWarmerLambdaClient(
  options: WarmerClientOptions,
  overrides: LambdaClientConfig = {},
): LambdaClient {
  const agent = { keepAlive: false, maxSockets: MAX_INVOKES_PER_RUN };
  return new LambdaClient({
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: options.delayMs + (options.initAllowanceMs ?? INIT_ALLOWANCE_MS),
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent,
    },
    ...overrides,
  });
}
