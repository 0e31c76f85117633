import type { Construct } from "constructs";
import type { LambdaArtifact } from "./lambda-artifact";
import { ServerFunction, type ServerOptions } from "./server-function";

export interface NextServerProps extends ServerOptions {
  /** The app packaged by `zonke-next-package` (its `artifact.json`). */
  readonly artifact: LambdaArtifact;
  /**
   * Stream responses (`RESPONSE_STREAM`): the first bytes of a page leave before it is complete.
   * Off, responses are buffered (at most 6 MB).
   * @default true
   */
  readonly streaming?: boolean;
}

/**
 * A Next.js app's server: the packaged standalone server behind the zonke adapter
 * (packages/lambdas/next-server), as a ServerFunction.
 */
export class NextServer extends ServerFunction {
  constructor(scope: Construct, id: string, props: NextServerProps) {
    const streaming = props.streaming ?? true;
    super(scope, id, {
      ...props,
      description: "Next.js server (zonke adapter)",
      code: props.artifact,
      streaming,
      runtimeEnvironment: {
        NODE_ENV: "production",
        ZONKE_RESPONSE_MODE: streaming ? "stream" : "buffered",
      },
    });
  }
}
