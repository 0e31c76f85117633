/**
 * The Lambda entry (`index.handler` in the zip). Everything here runs once per execution
 * environment, at init: the config the build embedded, sharp's loader block list and threads, the
 * S3 client.
 *
 * `@aws-sdk/*` is not bundled: the nodejs22.x runtime provides SDK v3, which keeps the zip small.
 */
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { PUBLIC_UNICAST_ONLY } from "./address-policy";
import { createImageHandler } from "./app";
import { loadImageConfig } from "./config";
import { limitsFromEnv } from "./limits";
import { s3ObjectSource } from "./s3-source";
import { encoderThreads } from "./threads";
import { configureSharp } from "./transform";

const config = loadImageConfig(path.join(__dirname, "config.json"));
const limits = limitsFromEnv(process.env);
const bucket = process.env["ASSETS_BUCKET"];
if (!bucket) throw new Error("ASSETS_BUCKET is not set: local images cannot be read");
configureSharp(encoderThreads(process.env));

export const handler = createImageHandler({
  config,
  limits,
  assetsPrefix: process.env["ASSETS_PREFIX"] || "assets",
  objectSource: s3ObjectSource({
    client: new S3Client({}),
    bucket,
    maxBytes: Math.min(limits.maxSourceBytes, config.maximumResponseBody),
    timeoutMs: limits.fetchTimeoutMs,
  }),
  addressPolicy: PUBLIC_UNICAST_ONLY,
});
