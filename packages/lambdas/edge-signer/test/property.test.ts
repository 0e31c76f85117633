import { createHash } from "node:crypto";
import fc from "fast-check";
import type { CloudFrontRequest } from "aws-lambda";
import { handler } from "../src/handler";
import { base64Body, originRequestEvent } from "./events";

test("property: any bytes, base64 in the event, give x-amz-content-sha256 = SHA-256 of the bytes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 4096 }),
      fc.constantFrom("POST", "PUT", "PATCH", "DELETE"),
      async (bytes, method) => {
        const result = (await handler(
          originRequestEvent({ method, body: base64Body(bytes) }),
        )) as CloudFrontRequest;
        expect(result.headers["x-amz-content-sha256"]).toEqual([
          {
            key: "x-amz-content-sha256",
            value: createHash("sha256").update(bytes).digest("hex"),
          },
        ]);
      },
    ),
    { numRuns: 200 },
  );
});

test("property: any text body is hashed as its UTF-8 bytes", async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 200 }), async (text) => {
      const result = (await handler(
        originRequestEvent({ body: { data: text, encoding: "text" } }),
      )) as CloudFrontRequest;
      expect(result.headers["x-amz-content-sha256"]?.[0]?.value).toBe(
        createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex"),
      );
    }),
  );
});
