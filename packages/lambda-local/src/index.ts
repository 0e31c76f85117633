// @zonke/lambda-local: runs packaged Lambda functions on this machine the way Lambda and a
// Function URL run them, for tests and benchmarks. README.md says what each part copies.
export {
  HTTP_INTEGRATION_CONTENT_TYPE,
  LocalResponseStream,
  PRELUDE_DELIMITER,
  STREAMING_SYMBOL,
  invokeStreaming,
  isStreamingHandler,
  localAwsLambda,
} from "./awslambda-stand-in";
export type { InvokeResult } from "./invoke-result";
export {
  startLambdaInstance,
  type LambdaInstance,
  type LambdaInstanceOptions,
} from "./lambda-instance";
export { startLambdaPool, type LambdaPool, type LambdaPoolOptions } from "./lambda-pool";
export {
  extractLambdaArtifact,
  extractZip,
  readLambdaArtifact,
  type LambdaArtifact,
} from "./lambda-artifact";
export {
  functionUrlAnswer,
  readHttpIntegrationResponse,
  type HttpAnswer,
  type HttpIntegrationResponse,
} from "./function-url-answer";
export {
  functionUrlEvent,
  type FunctionUrlEvent,
  type FunctionUrlEventOptions,
} from "./function-url-event";
export { headerValue, readRawHttpRequest, type RawHttpRequest } from "./raw-http-request";
export { writeHttpAnswer } from "./http-answer-writer";
export { listenLocal, type AsyncListener, type LocalServer } from "./local-server";
export { startFunctionUrlServer, type FunctionUrlServerOptions } from "./function-url-server";
export { MOTO_SERVER, startMotoServer, type MotoServer } from "./moto-server";
