import type { Construct } from "constructs";
import { Fn } from "cdktf";
import type { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";

/** "https://<id>.lambda-url.<region>.on.aws/" -> "<id>.lambda-url.<region>.on.aws", for CloudFront. */
export function functionUrlDomainName(url: LambdaFunctionUrl): string {
  return Fn.element(Fn.split("/", url.functionUrl), 2);
}

/**
 * Lets one CloudFront distribution call a function's AWS_IAM Function URL through its OAC.
 * Function URLs created since late 2025 need lambda:InvokeFunction as well as
 * lambda:InvokeFunctionUrl; both are scoped to the distribution. `qualifier` is the alias the URL
 * belongs to, if any.
 */
export function allowDistributionToInvoke(
  scope: Construct,
  functionName: string,
  distributionArn: string,
  qualifier?: string,
): void {
  const target = { functionName, ...(qualifier ? { qualifier } : {}) };
  new LambdaPermission(scope, "CloudFrontInvokesUrl", {
    ...target,
    action: "lambda:InvokeFunctionUrl",
    principal: "cloudfront.amazonaws.com",
    sourceArn: distributionArn,
    functionUrlAuthType: "AWS_IAM",
  });
  new LambdaPermission(scope, "CloudFrontInvokes", {
    ...target,
    action: "lambda:InvokeFunction",
    principal: "cloudfront.amazonaws.com",
    sourceArn: distributionArn,
  });
}
