import {
  HTTP_INTEGRATION_CONTENT_TYPE,
  LocalResponseStream,
  STREAMING_SYMBOL,
  invokeStreaming,
  isStreamingHandler,
  localAwsLambda,
} from "../src/awslambda-stand-in";
import { readHttpIntegrationResponse } from "../src/function-url-answer";

// The stand-in is only worth what its fidelity is: these pin the runtime behaviours it copies.
describe("the local awslambda stand-in", () => {
  it("marks streaming handlers the way the runtime recognises them", () => {
    const handler = localAwsLambda.streamifyResponse(async () => {});
    expect((handler as unknown as Record<symbol, unknown>)[STREAMING_SYMBOL]).toBe("response");
    expect(isStreamingHandler(handler)).toBe(true);
    expect(isStreamingHandler(async () => {})).toBe(false);
  });

  it("writes the prelude and 8 NUL bytes before the first write()", async () => {
    const { contentType, bytes } = await invokeStreaming(
      async (_event, stream) => {
        const http = localAwsLambda.HttpResponseStream.from(stream, {
          statusCode: 201,
          headers: { "content-type": "text/plain" },
          cookies: ["a=1"],
        });
        http.write("hello ");
        http.end("world");
      },
      {},
      {},
    );
    expect(contentType).toBe(HTTP_INTEGRATION_CONTENT_TYPE);
    expect(bytes.subarray(0, bytes.indexOf(0)).toString()).toBe(
      '{"statusCode":201,"headers":{"content-type":"text/plain"},"cookies":["a=1"]}',
    );
    expect(readHttpIntegrationResponse(bytes)).toEqual({
      prelude: { statusCode: 201, headers: { "content-type": "text/plain" }, cookies: ["a=1"] },
      body: Buffer.from("hello world"),
    });
  });

  it("does not write the prelude for end(chunk) alone, as the runtime does not", async () => {
    const { bytes } = await invokeStreaming(
      async (_event, stream) => {
        localAwsLambda.HttpResponseStream.from(stream, { statusCode: 204 });
        stream.end("x");
      },
      {},
      {},
    );
    expect(bytes.toString()).toBe("x");
    expect(() => readHttpIntegrationResponse(bytes)).toThrow(/no prelude/);
  });

  it("refuses a content type after the first write and JSON-encodes objects", () => {
    const stream = new LocalResponseStream();
    stream.write({ zonke: "warm" } as unknown as string);
    expect(() => stream.setContentType("application/json")).toThrow(/too late/);
    expect(stream.bytes().toString()).toBe('{"zonke":"warm"}');
  });
});
