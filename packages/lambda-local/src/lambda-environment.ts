/**
 * The environment a local instance starts with: the variables the Lambda Node.js runtime defines
 * itself (Lambda developer guide, "Defined runtime environment variables"), then the function's
 * own. Nothing is inherited from the calling process but `PATH`, so a test cannot pass by reading
 * something the deployed function would not have.
 */

export interface LambdaEnvironmentProps {
  readonly taskRoot: string;
  readonly handler: string;
  readonly functionName: string;
  readonly memoryMiB: number;
  readonly region: string;
  /** Folders searched after the task's own node_modules, like /var/runtime/node_modules. */
  readonly nodePath: readonly string[];
  /** The function's variables. They win over the runtime's, which Lambda itself would refuse. */
  readonly env: Readonly<Record<string, string>>;
}

export function lambdaEnvironment(props: LambdaEnvironmentProps): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    // Lambda sets ":UTC" (a tzfile path); "UTC" names the same zone for Node and ICU.
    TZ: "UTC",
    LAMBDA_TASK_ROOT: props.taskRoot,
    _HANDLER: props.handler,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: props.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.memoryMiB),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${props.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "local",
    AWS_REGION: props.region,
    AWS_DEFAULT_REGION: props.region,
    NODE_PATH: [...props.nodePath, props.taskRoot].join(":"),
    ...props.env,
  };
}
