/** An error page CloudFront itself generates (method not allowed, a failed edge function, ...). */
import type { HttpAnswer } from "@zonke/lambda-local";

export function cloudFrontAnswer(statusCode: number, message: string): HttpAnswer {
  const text = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><HTML><BODY><H1>${statusCode} ERROR</H1><H2>The request could not be satisfied.</H2><P>${message}</P></BODY></HTML>`;
  return {
    statusCode,
    headers: {
      "content-type": "text/html",
      server: "CloudFront",
      "x-cache": "Error from cloudfront",
    },
    cookies: [],
    body: Buffer.from(text, "utf8"),
    text,
  };
}
