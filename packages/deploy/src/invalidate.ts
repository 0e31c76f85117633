import { randomUUID } from "node:crypto";
import {
  CreateInvalidationCommand,
  waitUntilInvalidationCompleted,
  type CloudFrontClient,
} from "@aws-sdk/client-cloudfront";
import { AwsError, awsStep } from "./errors";

/** A CallerReference unique to this deploy (CloudFront treats a repeated one as the same request). */
export function newCallerReference(): string {
  return `zonke-assets-${new Date().toISOString()}-${randomUUID()}`;
}

/** Starts an invalidation of `paths` (already encoded) and returns its id. */
export async function createInvalidation(
  cloudfront: CloudFrontClient,
  distributionId: string,
  paths: readonly string[],
  callerReference: string,
): Promise<string> {
  const response = await awsStep(`invalidating ${paths.length} path(s) on ${distributionId}`, () =>
    cloudfront.send(
      new CreateInvalidationCommand({
        DistributionId: distributionId,
        InvalidationBatch: {
          CallerReference: callerReference,
          Paths: { Quantity: paths.length, Items: [...paths] },
        },
      }),
    ),
  );
  return response.Invalidation?.Id ?? "";
}

/** Waits until CloudFront reports the invalidation Completed (usually well under a minute). */
export async function waitForInvalidation(
  cloudfront: CloudFrontClient,
  distributionId: string,
  invalidationId: string,
  timeoutSec: number,
): Promise<void> {
  const step = `waiting for invalidation ${invalidationId} on ${distributionId}`;
  // Poll every 5-20 s (the SDK's default starts at 20 s), less for a short timeout: the waiter
  // refuses a delay as long as the timeout.
  const minDelay = Math.min(5, timeoutSec / 2);
  const maxDelay = Math.max(minDelay, Math.min(20, timeoutSec / 2));
  await awsStep(step, async () => {
    try {
      await waitUntilInvalidationCompleted(
        { client: cloudfront, maxWaitTime: timeoutSec, minDelay, maxDelay },
        { DistributionId: distributionId, Id: invalidationId },
      );
    } catch (error) {
      // The waiter's own timeout message is a JSON dump of every poll; say it plainly.
      if ((error as Error).name !== "TimeoutError" || "$metadata" in (error as object)) throw error;
      throw new AwsError(
        `${step}: not completed after ${timeoutSec} s (it carries on in CloudFront; the files are uploaded)`,
        "WaiterTimeout",
      );
    }
  });
}
