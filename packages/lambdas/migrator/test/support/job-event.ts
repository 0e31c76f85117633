/** CodePipeline job events as the Lambda invoke action sends them, and a Lambda context. */
import { randomUUID } from "node:crypto";
import type { MigratorContext } from "../../src/run";

/** Distinctive values: a test searches every log line and report for them. */
export const ARTIFACT_CREDENTIALS = {
  accessKeyId: "ASIAARTIFACTKEY00042",
  secretAccessKey: "artifact-secret-6CGtmAa3lzWtV7aXyZ",
  sessionToken: "IQoJb3JpZ2luX2VjEArtifactSessionToken",
  expirationTime: 1_900_000_000_000,
};

export function jobEvent(
  userParameters: unknown,
  options: { id?: string; continuationToken?: string } = {},
): { id: string; event: Record<string, unknown> } {
  const id = options.id ?? randomUUID();
  return {
    id,
    event: {
      "CodePipeline.job": {
        id,
        accountId: "123456789012",
        data: {
          actionConfiguration: {
            configuration: {
              FunctionName: "shop-prod-migrator",
              ...(userParameters === undefined
                ? {}
                : {
                    UserParameters:
                      typeof userParameters === "string"
                        ? userParameters
                        : JSON.stringify(userParameters),
                  }),
            },
          },
          inputArtifacts: [
            {
              name: "BuildOutput",
              revision: "e0c7a1b2",
              location: {
                type: "S3",
                s3Location: {
                  bucketName: "shop-pipeline-artifacts",
                  objectKey: "shop/BuildOutp/abc",
                },
              },
            },
          ],
          outputArtifacts: [],
          artifactCredentials: ARTIFACT_CREDENTIALS,
          ...(options.continuationToken ? { continuationToken: options.continuationToken } : {}),
        },
      },
    },
  };
}

/** A context whose remaining time runs down in real time from `remainingMs`. */
export function lambdaContext(remainingMs: number): MigratorContext {
  const started = Date.now();
  return { getRemainingTimeInMillis: () => remainingMs - (Date.now() - started) };
}
