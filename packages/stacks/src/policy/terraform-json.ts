/** The parts of a synthesised `cdk.tf.json` the policies read. */
export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

export interface ResourceRef {
  readonly type: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
}

export function resourcesOf(json: TerraformJson, type?: string): ResourceRef[] {
  return Object.entries(json.resource ?? {})
    .filter(([t]) => type === undefined || t === type)
    .flatMap(([t, byName]) =>
      Object.entries(byName).map(([name, config]) => ({ type: t, name, config })),
    );
}

/** True when `value` is the Terraform reference `${<type>.<name>.<attribute>}`. */
export function refersTo(value: unknown, type: string, name: string, attribute = "id"): boolean {
  return value === `\${${type}.${name}.${attribute}}`;
}
