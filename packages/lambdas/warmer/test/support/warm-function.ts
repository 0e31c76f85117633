/**
 * A tiny server function, run as a child process by FunctionPool: one process is one Lambda
 * execution environment. It answers warm events with @zonke/lambda-runtime, exactly as the real
 * servers do, and receives invocations over IPC (a stand-in for Lambda's Runtime API).
 */
import { answerWarm, countInvocation, isWarmEvent } from "@zonke/lambda-runtime";

async function handler(event: unknown): Promise<unknown> {
  if (isWarmEvent(event)) return answerWarm(event);
  countInvocation();
  return { statusCode: 200, body: "app" };
}

process.on("message", async (message: { id: number; event: unknown }) => {
  try {
    process.send?.({ id: message.id, result: await handler(message.event) });
  } catch (error) {
    const { name, message: text } = error as Error;
    process.send?.({ id: message.id, error: { errorType: name, errorMessage: text } });
  }
});
