import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

export type Resources = Record<string, Record<string, Record<string, unknown>>>;
export interface Synthesized {
  resource: Resources;
  data?: Resources;
  terraform: Record<string, unknown>;
}

/** A stack with an AWS provider, built by `build`, synthesised and parsed. */
export function synth(build: (stack: TerraformStack) => void): Synthesized {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return JSON.parse(Testing.synth(stack, true)) as Synthesized;
}

/** The resources of one type, by logical name. */
export function ofType(json: Synthesized, type: string): [string, Record<string, unknown>][] {
  return Object.entries(json.resource[type] ?? {});
}

export const ref = (type: string, name: string, attribute = "id") =>
  `\${${type}.${name}.${attribute}}`;
