import type { Construct } from "constructs";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { ValidationError } from "../core/errors";
import type { LambdaMigrationTarget } from "./migrator";
import { ServerFunction, type ServerOptions } from "./server-function";

export interface DjangoLambdaProps extends ServerOptions {
  /** The app's image, `<repository url>@sha256:<digest>` (never a tag: deploys pin the digest). */
  readonly imageUri: string;
  /** @default "arm64" */
  readonly architecture?: "arm64" | "x86_64";
  /**
   * The manage function: the same image, network and secrets, for `manage.py` commands (the
   * migrator runs `migrate` through it) with Lambda's longest timeout, and no URL.
   * @default - `<functionName>-manage`
   */
  readonly manageFunctionName?: string;
  /**
   * The app's custom host names, for ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS (`ZONKE_DOMAINS`).
   * `.cloudfront.net` is always added: the distribution's own name is known only after it exists,
   * and passing it in would make the function and the distribution depend on each other. Only
   * CloudFront reaches the function, and it routes only its own names here.
   * @default []
   */
  readonly domains?: readonly string[];
}

/**
 * A Django app's server on Lambda: the app's container image (one image, three commands; this is
 * the `lambda` command: the runtime interface client loading `zonke_runtime.handler`) as a
 * ServerFunction. Buffered responses: WSGI answers whole. Django is set up at init, so warm
 * instances serve without import cost. A second function from the same image runs management
 * commands (the Migrator's `migrate`) with a 15-minute timeout, which the web function, bound by
 * CloudFront's 60 s, cannot have. The manage function has no alias: the migrator runs the version
 * each apply publishes, whatever `trafficShift` says about the web function's alias.
 */
export class DjangoLambda extends ServerFunction {
  /** Runs management commands (published on every deploy so the migrator runs the new code). */
  readonly manageFunction: LambdaFunction;
  /** What the Migrator needs: the manage function, and the version this apply publishes. */
  readonly migrationTarget: LambdaMigrationTarget;

  constructor(scope: Construct, id: string, props: DjangoLambdaProps) {
    if (!/@sha256:[0-9a-f]{64}$/.test(props.imageUri) && !props.imageUri.includes("${")) {
      throw new ValidationError(
        `Django image "${props.imageUri}" is not allowed; give <repository>@sha256:<digest> (a tag can move, a digest cannot)`,
      );
    }
    super(scope, id, {
      ...props,
      description: "Django server (zonke runtime)",
      code: {
        imageUri: props.imageUri,
        architecture: props.architecture ?? "arm64",
        // The image's entry point (`zonke-runtime`) takes lambda, web or migrate.
        command: ["lambda"],
      },
      streaming: false,
      runtimeEnvironment: {
        ZONKE_DOMAINS: [...(props.domains ?? []), ".cloudfront.net"].join(","),
      },
    });
    this.manageFunction = this.sameAs({
      id: "Manage",
      functionName: props.manageFunctionName ?? `${props.functionName}-manage`,
      description: "Django management commands (zonke runtime manage events)",
      timeoutSec: 900,
      publish: true,
    }).function;
    this.migrationTarget = {
      kind: "lambda",
      functionArn: this.manageFunction.arn,
      functionName: this.manageFunction.functionName,
      version: this.manageFunction.version,
    };
  }
}
