import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { HttpError, isHttpError } from "./http-error";
import { checkDeclaredLength, readCapped } from "./read-capped";
import { logEvent } from "./log";
import type { ObjectSource } from "./source";

export interface S3SourceProps {
  readonly client: Pick<S3Client, "send">;
  readonly bucket: string;
  /** Bytes read at most; the body is streamed and dropped once it passes this. */
  readonly maxBytes: number;
  /** Whole read, request to last byte. */
  readonly timeoutMs: number;
}

/**
 * Local images from the assets bucket. The function's role may only `s3:GetObject` under the
 * assets prefix, so S3 answers 403 (not 404) for a missing key: both are "not found" here.
 */
export function s3ObjectSource(props: S3SourceProps): ObjectSource {
  return {
    async getObject(key) {
      const abort = AbortSignal.timeout(props.timeoutMs);
      let body: (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
      try {
        const object = await props.client.send(
          new GetObjectCommand({ Bucket: props.bucket, Key: key }),
          { abortSignal: abort },
        );
        body = object.Body as typeof body;
        if (!body) throw new HttpError(502, "The image store returned no body");
        checkDeclaredLength(object.ContentLength, props.maxBytes);
        return {
          body: await readCapped(body, props.maxBytes),
          ...(object.CacheControl ? { cacheControl: object.CacheControl } : {}),
        };
      } catch (error) {
        body?.destroy?.();
        throw s3Failure(error, abort);
      }
    },
  };
}

function s3Failure(error: unknown, abort: AbortSignal): HttpError {
  if (isHttpError(error)) return error;
  if (abort.aborted) return new HttpError(504, "Reading the image from storage timed out");
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = (error as { name?: string })?.name;
  if (name === "NoSuchKey" || status === 404 || status === 403) {
    return new HttpError(404, "The requested image was not found");
  }
  logEvent("error", "s3 read failed", { name, status });
  return new HttpError(502, "The image could not be read from storage");
}
