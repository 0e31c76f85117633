import { HTTP_INTEGRATION_CONTENT_TYPE, PRELUDE_DELIMITER } from "../src/awslambda-stand-in";
import { functionUrlAnswer } from "../src/function-url-answer";

const streamed = (prelude: unknown, body: string) =>
  Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_DELIMITER, Buffer.from(body)]);

describe("a streamed answer", () => {
  it("takes status, headers and cookies from the prelude, the body after the NUL bytes", () => {
    const answer = functionUrlAnswer({
      type: "stream",
      contentType: HTTP_INTEGRATION_CONTENT_TYPE,
      payload: streamed(
        { statusCode: 404, headers: { "content-type": "text/html" }, cookies: ["a=1"] },
        "<p>gone\0</p>",
      ),
    });
    expect(answer).toEqual({
      statusCode: 404,
      headers: { "content-type": "text/html" },
      cookies: ["a=1"],
      body: Buffer.from("<p>gone\0</p>"),
      text: "<p>gone\0</p>",
    });
  });

  it("defaults the status to 200 and refuses an HTTP integration stream without a prelude", () => {
    const answer = functionUrlAnswer({
      type: "stream",
      contentType: HTTP_INTEGRATION_CONTENT_TYPE,
      payload: streamed({}, "ok"),
    });
    expect([answer.statusCode, answer.text]).toEqual([200, "ok"]);
    expect(() =>
      functionUrlAnswer({
        type: "stream",
        contentType: HTTP_INTEGRATION_CONTENT_TYPE,
        payload: Buffer.from("no prelude"),
      }),
    ).toThrow(/no prelude delimiter/);
  });

  it("serves a stream of another content type as it is", () => {
    const answer = functionUrlAnswer({
      type: "stream",
      contentType: "application/json",
      payload: Buffer.from('{"zonke":"warm"}'),
    });
    expect(answer).toMatchObject({
      statusCode: 200,
      headers: { "content-type": "application/json" },
      text: '{"zonke":"warm"}',
    });
  });
});

describe("a buffered answer", () => {
  it("reads the v2 result: text or base64 body, headers, cookies", () => {
    expect(
      functionUrlAnswer({
        type: "buffered",
        result: { statusCode: 201, headers: { a: "b" }, cookies: ["x=1", "y=2"], body: "hi" },
      }),
    ).toMatchObject({ statusCode: 201, headers: { a: "b" }, cookies: ["x=1", "y=2"], text: "hi" });
    const binary = functionUrlAnswer({
      type: "buffered",
      result: {
        statusCode: 200,
        body: Buffer.from([255, 0]).toString("base64"),
        isBase64Encoded: true,
      },
    });
    expect(binary.body).toEqual(Buffer.from([255, 0]));
    expect(binary.isBase64Encoded).toBe(true);
  });

  it("answers any other value as a 200 of its JSON", () => {
    for (const result of ["text", 42, null, { message: "no status" }]) {
      const answer = functionUrlAnswer({ type: "buffered", result });
      expect(answer).toMatchObject({
        statusCode: 200,
        headers: { "content-type": "application/json" },
        text: JSON.stringify(result),
      });
    }
  });
});

it("answers a function error with a 502 that does not show the error", () => {
  const answer = functionUrlAnswer({
    type: "error",
    errorType: "TypeError",
    errorMessage: "secret detail",
  });
  expect(answer.statusCode).toBe(502);
  expect(answer.text).not.toContain("secret detail");
  expect(answer.functionError).toEqual({ errorType: "TypeError", errorMessage: "secret detail" });
});
