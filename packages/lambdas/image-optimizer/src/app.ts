import { negotiateFormat } from "./accept";
import type { AddressPolicy } from "./address-policy";
import { readEvent } from "./event";
import { successHeaders, maxAgeSec, matchesIfNoneMatch } from "./headers";
import { HttpError, isHttpError } from "./http-error";
import type { ImageConfig } from "./image-config";
import type { Limits } from "./limits";
import { logEvent } from "./log";
import { compilePatterns } from "./patterns";
import { parseQuery } from "./query";
import { createRemoteFetcher, type Resolver } from "./remote-fetch";
import {
  errorResponse,
  MAX_RESPONSE_BODY_BYTES,
  respond,
  type FunctionUrlResponse,
} from "./response";
import { sniffFormat } from "./sniff";
import type { ObjectSource, SourceImage } from "./source";
import { notAnImage, transformImage, type TransformResult } from "./transform";
import { validateRequest, type ImageRequest } from "./validate";

export interface ImageHandlerProps {
  readonly config: ImageConfig;
  readonly limits: Limits;
  /** Local image `/a/b.png` is the object `<assetsPrefix>/a/b.png`. */
  readonly assetsPrefix: string;
  readonly objectSource: ObjectSource;
  /** Which addresses remote images may come from: `PUBLIC_UNICAST_ONLY` in production. */
  readonly addressPolicy: AddressPolicy;
  /** @default the OS resolver */
  readonly resolver?: Resolver;
  /** @default MAX_RESPONSE_BODY_BYTES (what fits Lambda's 6 MB response) */
  readonly maxResponseBodyBytes?: number;
}

export type ImageHandler = (event: unknown) => Promise<FunctionUrlResponse>;

/** `/_next/image` for Function URL events: validate, fetch, optimise, answer. */
export function createImageHandler(props: ImageHandlerProps): ImageHandler {
  const { config, limits } = props;
  const patterns = compilePatterns(config);
  const rules = {
    widths: new Set([...config.deviceSizes, ...config.imageSizes]),
    qualities: new Set(config.qualities),
    patterns,
  };
  const maxSourceBytes = Math.min(limits.maxSourceBytes, config.maximumResponseBody);
  const remote = createRemoteFetcher({
    policy: props.addressPolicy,
    ...(props.resolver ? { resolver: props.resolver } : {}),
    allowUrl: patterns.allowsRemote,
    maxBytes: maxSourceBytes,
    maxRedirects: config.maximumRedirects,
    timeoutMs: limits.fetchTimeoutMs,
    connectTimeoutMs: limits.connectTimeoutMs,
  });
  const transformLimits = {
    maxInputPixels: limits.maxInputPixels,
    timeoutSec: limits.transformTimeoutSec,
    maxOutputBytes: props.maxResponseBodyBytes ?? MAX_RESPONSE_BODY_BYTES,
  };
  const prefix = props.assetsPrefix.replace(/^\/+|\/+$/g, "");

  function fetchSource(request: ImageRequest): Promise<SourceImage> {
    return request.source.kind === "local"
      ? props.objectSource.getObject(`${prefix}/${request.source.path.slice(1)}`)
      : remote.fetch(request.source.url);
  }

  async function optimise(
    source: SourceImage,
    request: ImageRequest,
    accept: string | undefined,
  ): Promise<TransformResult> {
    const format = sniffFormat(source.body);
    if (format === "svg") {
      // SVG never reaches sharp (librsvg would follow its external references).
      if (!config.dangerouslyAllowSVG) {
        throw new HttpError(400, '"url" parameter is valid but image type is not allowed');
      }
      if (source.body.length > transformLimits.maxOutputBytes) {
        throw new HttpError(413, "The SVG is larger than the response limit");
      }
      return { body: source.body, format: "svg" };
    }
    if (format === undefined) throw notAnImage();
    const target = negotiateFormat(accept, config.formats);
    return transformImage(
      {
        body: source.body,
        sourceFormat: format,
        width: request.width,
        quality: request.quality,
        ...(target ? { target: target === "image/avif" ? "avif" : "webp" } : {}),
      },
      transformLimits,
    );
  }

  return async (event) => {
    let head = false;
    try {
      const { method, rawQueryString, headers } = readEvent(event);
      head = method === "HEAD";
      if (method !== "GET" && !head) {
        throw new HttpError(405, "Only GET and HEAD are allowed");
      }
      const request = validateRequest(parseQuery(rawQueryString), rules);
      const source = await fetchSource(request);
      const result = await optimise(source, request, headers["accept"]);
      const responseHeaders = successHeaders({
        format: result.format,
        body: result.body,
        maxAgeSec: maxAgeSec(config.minimumCacheTTL, source.cacheControl),
        immutable: request.isStatic,
        dispositionType: config.contentDispositionType,
        baseName: request.baseName,
      });
      if (matchesIfNoneMatch(headers["if-none-match"], responseHeaders["etag"] as string)) {
        return respond(304, responseHeaders);
      }
      return respond(200, responseHeaders, head ? undefined : result.body);
    } catch (error) {
      if (isHttpError(error)) return errorResponse(error, head);
      logEvent("error", "unexpected failure", {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return errorResponse(new HttpError(500, "Internal error"), head);
    }
  };
}
