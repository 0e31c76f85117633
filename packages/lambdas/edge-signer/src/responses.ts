import type { CloudFrontResultResponse } from "aws-lambda";

/** CloudFront exposes at most this much of a body to an origin-request function. */
export const MAX_EXPOSED_BODY_BYTES = 1024 * 1024;

/** A short plain-text answer that no cache keeps. */
function plainText(status: number, description: string, text: string): CloudFrontResultResponse {
  return {
    status: String(status),
    statusDescription: description,
    headers: {
      "content-type": [{ key: "content-type", value: "text/plain; charset=utf-8" }],
      "cache-control": [{ key: "cache-control", value: "no-store" }],
    },
    body: `${text}\n`,
  };
}

export const bodyTooLarge = () =>
  plainText(
    413,
    "Payload Too Large",
    "Request body too large: this site accepts request bodies of at most 1 MB.",
  );

/** The trigger was deployed without include_body: no body can be signed, so none is forwarded. */
export const bodyNotIncluded = () =>
  plainText(500, "Internal Server Error", "The request could not be forwarded.");
