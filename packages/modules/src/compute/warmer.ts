import { Construct } from "constructs";
import { Fn } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { ArtifactFunction } from "./artifact-function";
import type { LambdaArtifact } from "./lambda-artifact";

export interface WarmerTarget {
  /** The server function's ARN (unqualified). */
  readonly functionArn: string;
  readonly functionName: string;
  /** Alias or version to warm, e.g. `live`. @default - $LATEST */
  readonly qualifier?: string;
  /** Instances to keep warm, 1 to 50. */
  readonly count: number;
}

export interface WarmerProps {
  /** Function name, e.g. `shop-prod-web-warmer`; also names the schedule. */
  readonly functionName: string;
  /** `@zonke/warmer/artifact`. */
  readonly artifact: LambdaArtifact;
  readonly targets: readonly WarmerTarget[];
  /**
   * How long each server instance holds its answer, so that parallel invokes land on distinct
   * instances.
   * @default 1000
   */
  readonly delayMs?: number;
  /** @default "rate(5 minutes)" (Lambda keeps idle instances for several minutes) */
  readonly schedule?: string;
  /**
   * Values whose change means a deploy (e.g. the server's published version): the warmer then
   * runs once during `terraform apply`, so new instances are warm before viewers arrive.
   * @default {} (no warm-up on deploy)
   */
  readonly warmOnChangeOf?: Record<string, string>;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group. @default - CloudWatch Logs' own encryption */
  readonly logsKmsKeyArn?: string;
}

/**
 * Keeps server instances warm: a Lambda outside any VPC (it only calls the Lambda API) on an
 * EventBridge schedule, which sends each target `count` parallel warm invokes and logs how many
 * distinct instances answered. It may invoke exactly its targets. A missed schedule is not retried
 * and expires after 60 s: the next one comes anyway, and late warm-ups only pile up.
 */
export class Warmer extends Construct {
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: WarmerProps) {
    super(scope, id);
    validate(props);
    const delayMs = props.delayMs ?? 1000;
    const qualified = (t: WarmerTarget) =>
      t.qualifier ? `${t.functionArn}:${t.qualifier}` : t.functionArn;

    const warmer = new ArtifactFunction(this, "Function", {
      functionName: props.functionName,
      description: "Keeps server instances warm",
      code: props.artifact,
      memoryMiB: 256,
      // Each invoke waits for the delay plus a cold instance's init.
      timeoutSec: Math.ceil(delayMs / 1000) + 60,
      logRetentionDays: props.logRetentionDays ?? 365,
      ...(props.logsKmsKeyArn ? { logsKmsKeyArn: props.logsKmsKeyArn } : {}),
      statements: [
        {
          sid: "InvokeTargets",
          actions: ["lambda:InvokeFunction"],
          resources: props.targets.map(qualified),
        },
      ],
      environment: {
        // Encoded by Terraform: the names are references, and a JSON string holding them would
        // not survive cdktf's HCL rendering.
        WARMER_TARGETS: Fn.jsonencode(
          props.targets.map((t) => ({
            functionName: t.functionName,
            ...(t.qualifier ? { qualifier: t.qualifier } : {}),
            count: t.count,
          })),
        ),
        WARMER_DELAY_MS: String(delayMs),
      },
    });
    this.functionName = warmer.functionName;

    const rule = new CloudwatchEventRule(this, "Schedule", {
      name: physicalName("eventBridgeRule", [props.functionName]),
      description: `Warms ${props.targets.map((t) => `${t.count} x ${t.functionName}`).join(", ")}`,
      scheduleExpression: props.schedule ?? "rate(5 minutes)",
    });
    new CloudwatchEventTarget(this, "Target", {
      rule: rule.name,
      arn: warmer.function.arn,
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
    });
    new LambdaPermission(this, "ScheduleInvokes", {
      functionName: warmer.function.functionName,
      action: "lambda:InvokeFunction",
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });

    if (props.warmOnChangeOf && Object.keys(props.warmOnChangeOf).length > 0) {
      new LambdaInvocation(this, "WarmAfterDeploy", {
        functionName: warmer.function.functionName,
        input: JSON.stringify({ source: "zonke.deploy" }),
        triggers: props.warmOnChangeOf,
      });
    }
  }
}

function validate(props: WarmerProps): void {
  if (props.targets.length === 0) {
    throw new ValidationError(`warmer ${props.functionName} has no targets; leave it out instead`);
  }
  for (const target of props.targets) {
    if (!Number.isInteger(target.count) || target.count < 1 || target.count > 50) {
      throw new ValidationError(
        `warmer count ${target.count} for ${target.functionName} is not allowed; use a whole number from 1 to 50`,
      );
    }
  }
  const delay = props.delayMs ?? 1000;
  if (!Number.isInteger(delay) || delay < 0 || delay > 5000) {
    throw new ValidationError(
      `warmer delayMs ${delay} is not allowed; use a whole number from 0 to 5000`,
    );
  }
}
