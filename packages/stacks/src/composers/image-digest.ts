import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

/** The variable that carries the image to deploy, set by the pipeline (`TF_VAR_image_digest`). */
export const IMAGE_DIGEST_VARIABLE = "image_digest";

/**
 * The digest of the image an app's stack deploys. A Terraform variable rather than something synth
 * reads: the pipeline builds the image (Docker cannot run everywhere synth does), and the plan then
 * shows which image ships.
 */
export function imageDigestVariable(stack: Construct, appName: string): TerraformVariable {
  return new TerraformVariable(stack, IMAGE_DIGEST_VARIABLE, {
    type: "string",
    description: `Digest of the ${appName} image to deploy (sha256:...), pushed to the registry stack's repository`,
    validation: [
      {
        condition: `\${can(regex("^sha256:[0-9a-f]{64}$", var.${IMAGE_DIGEST_VARIABLE}))}`,
        errorMessage: "image_digest must be an image digest: sha256: followed by 64 hex digits.",
      },
    ],
  });
}
