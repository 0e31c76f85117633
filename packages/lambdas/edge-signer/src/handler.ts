/**
 * The Lambda@Edge entry (`index.handler` in the zip), on CloudFront's origin-request event with
 * include_body. Lambda@Edge has no environment variables: this function needs none.
 */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from "aws-lambda";
import { signableRequest } from "./sign-body";

export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> {
  const record = event.Records[0];
  if (!record) throw new Error("the event has no CloudFront record");
  return signableRequest(record.cf.request);
}
