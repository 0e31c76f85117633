/**
 * The app's CloudFront distribution on 127.0.0.1, run from its synthesised configuration
 * (./distribution.ts). Per request, as CloudFront:
 *
 * 1. picks the behaviour by path pattern, in order, on the path as the viewer sent it;
 * 2. refuses methods the behaviour does not allow (403);
 * 3. runs the viewer-request function's real code (./cloudfront-function.ts) and applies its
 *    changes, or sends the response it generated;
 * 4. builds the origin request by the behaviour's policies (./origin-request.ts) and runs the
 *    origin-request Lambda@Edge from its built zip (./lambda-edge.ts);
 * 5. asks the origin: the assets bucket (S3 through OAC, ./s3-get-object.ts) or a Function URL
 *    (AWS_IAM through OAC, ./function-url-origin.ts);
 * 6. adds the response headers policy (./response-headers.ts).
 *
 * Not copied: caching (every request reaches the origin; a viewer's If-None-Match reaches S3,
 * standing in for CloudFront's own revalidation), compression, TLS and HTTP/2 or 3.
 */
import {
  headerValue,
  listenLocal,
  readRawHttpRequest,
  writeHttpAnswer,
  type HttpAnswer,
  type InvokeResult,
  type LocalServer,
  type RawHttpRequest,
} from "@zonke/lambda-local";
import type { AssetsBucket } from "./assets-bucket";
import { cloudFrontAnswer } from "./cloudfront-answer";
import { loadViewerRequestFunction, type ViewerRequestFunction } from "./cloudfront-function";
import type { Behaviour, LocalDistribution } from "./distribution";
import type { FunctionUrlOrigin } from "./function-url-origin";
import { runOriginRequestFunction } from "./lambda-edge";
import { originRequest } from "./origin-request";
import { withResponseHeaders } from "./response-headers";
import { getObjectAnswer, s3Error } from "./s3-get-object";

export interface LocalCdnProps {
  readonly distribution: LocalDistribution;
  readonly bucket: AssetsBucket;
  /** The Function URL origins, found by their domain names. */
  readonly functionUrls: readonly FunctionUrlOrigin[];
  /** Lambda@Edge functions by the ARN the distribution associates. */
  readonly edgeFunctions: Readonly<
    Record<string, { invoke(event: unknown): Promise<InvokeResult> }>
  >;
}

export async function startLocalCdn(props: LocalCdnProps): Promise<LocalServer> {
  const viewerFunctions = new Map<string, ViewerRequestFunction>();
  const viewerFunction = (code: string) => {
    let fn = viewerFunctions.get(code);
    if (!fn) viewerFunctions.set(code, (fn = loadViewerRequestFunction(code)));
    return fn;
  };
  let host = "";

  async function serve(viewer: RawHttpRequest, behaviour: Behaviour): Promise<HttpAnswer> {
    if (!behaviour.allowedMethods.includes(viewer.method)) {
      return cloudFrontAnswer(
        403,
        "This distribution is not configured to allow the HTTP request method that was used for this request.",
      );
    }
    let request = viewer;
    if (behaviour.viewerRequestCode) {
      const result = viewerFunction(behaviour.viewerRequestCode)(viewer, host);
      if ("response" in result) return result.response;
      request = result.request;
    }
    let toOrigin = originRequest(request, behaviour);
    if (behaviour.originRequestLambda) {
      const { arn, includeBody } = behaviour.originRequestLambda;
      const fn = props.edgeFunctions[arn];
      if (!fn) throw new Error(`no local Lambda@Edge function for ${arn}`);
      const result = await runOriginRequestFunction(
        fn,
        toOrigin,
        viewer.sourceIp,
        behaviour.origin,
        includeBody,
      );
      if ("response" in result) return result.response;
      toOrigin = result.request;
    }
    if (behaviour.origin.kind === "s3") {
      let key: string;
      try {
        key = decodeURIComponent(toOrigin.rawPath.slice(1));
      } catch {
        return s3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
      }
      return getObjectAnswer(props.bucket, key, headerValue(request, "if-none-match"));
    }
    const origin = props.functionUrls.find((o) => o.domainName === behaviour.origin.domainName);
    if (!origin) throw new Error(`no local Function URL for ${behaviour.origin.domainName}`);
    return origin.handle(toOrigin);
  }

  const server = await listenLocal(async (req, res) => {
    const viewer = await readRawHttpRequest(req);
    const behaviour = props.distribution.behaviours.find((b) => b.matches(viewer.rawPath))!;
    const answer = await serve(viewer, behaviour);
    writeHttpAnswer(res, withResponseHeaders(answer, behaviour.responseHeaders), viewer.method);
  });
  host = server.host;
  return server;
}
