import * as fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { awsStep } from "./errors";
import type { LocalFile } from "./local-files";
import { SHA256_METADATA } from "./remote-state";

export interface UploadOptions {
  /**
   * Files up to this size are read into memory, so the SDK's own retries can resend them (it
   * cannot rewind a stream: aws/aws-sdk-js-v3#5479, #6770). Larger files are streamed, and
   * retried here with a fresh stream. With 16 uploads at once memory stays under 16 x this.
   * @default 8 MiB
   */
  readonly bufferLimitBytes?: number;
  /** @default 3 */
  readonly streamAttempts?: number;
  /** @default 1000 (doubled each attempt) */
  readonly streamRetryDelayMs?: number;
}

const DEFAULT_BUFFER_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Uploads one file with its Content-Type, Cache-Control and SHA-256 (in metadata, for the next
 * deploy, and as ChecksumSHA256, so that S3 rejects a body that does not match the hash we
 * planned with: a file rewritten by a concurrent build fails instead of being half-served).
 * Returns the new ETag.
 */
export async function uploadFile(
  s3: S3Client,
  bucket: string,
  file: LocalFile,
  options: UploadOptions = {},
): Promise<string> {
  const bufferLimit = options.bufferLimitBytes ?? DEFAULT_BUFFER_LIMIT_BYTES;
  const put = (body: Buffer | fs.ReadStream) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: file.key,
        Body: body,
        ContentLength: file.size,
        ContentType: file.contentType,
        CacheControl: file.cacheControl,
        Metadata: { [SHA256_METADATA]: file.sha256 },
        ChecksumSHA256: Buffer.from(file.sha256, "hex").toString("base64"),
      }),
    );
  const response = await awsStep(
    `uploading ${file.absolutePath} to s3://${bucket}/${file.key}`,
    () =>
      file.size <= bufferLimit
        ? fs.promises.readFile(file.absolutePath).then(put)
        : withFreshStreams(file.absolutePath, put, options),
  );
  return response.ETag ?? "";
}

async function withFreshStreams<T>(
  file: string,
  put: (body: fs.ReadStream) => Promise<T>,
  options: UploadOptions,
): Promise<T> {
  const attempts = options.streamAttempts ?? 3;
  let delayMs = options.streamRetryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    const body = fs.createReadStream(file);
    try {
      return await put(body);
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await sleep(delayMs);
      delayMs *= 2;
    } finally {
      body.destroy();
    }
  }
}

/** Server-side, throttling and connection failures; never a 4xx the user must fix. */
function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return e.name !== "CredentialsProviderError";
  return status >= 500 || status === 408 || status === 429 || e.name === "RequestTimeout";
}

/** S3 deletes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;

/** Deletes `keys`, 1,000 per request; a key S3 refuses to delete fails the deploy. */
export async function deleteObjects(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
): Promise<void> {
  for (let start = 0; start < keys.length; start += DELETE_BATCH) {
    const batch = keys.slice(start, start + DELETE_BATCH);
    const step = `deleting ${batch.length} removed file(s) from s3://${bucket}`;
    const response = await awsStep(step, () =>
      s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    const failed = response.Errors?.[0];
    if (failed) {
      // DeleteObjects answers 200 and lists per-key failures; surface the first as the AWS error.
      const error = Object.assign(new Error(`${failed.Key}: ${failed.Message ?? ""}`), {
        name: failed.Code ?? "DeleteFailed",
        $metadata: {},
      });
      await awsStep(step, () => Promise.reject(error));
    }
  }
}
