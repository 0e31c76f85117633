/** Bytes of a source image as fetched, before anything trusts them. */
export interface SourceImage {
  readonly body: Buffer;
  /** The origin's Cache-Control, which can lengthen the response's max-age (Next semantics). */
  readonly cacheControl?: string;
}

/** Where local images (`url=/...`) come from: S3 in production, memory in tests. */
export interface ObjectSource {
  /** Throws `HttpError` (404 when missing, 413 over the size cap, 502/504 on failure). */
  getObject(key: string): Promise<SourceImage>;
}
