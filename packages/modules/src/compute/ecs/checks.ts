import { ValidationError } from "../../core/errors";

/** Throws unless `value` is a whole number from `min` to `max`; `where` names the construct. */
export function requireWholeNumber(
  where: string,
  name: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      `${where}: ${name} ${value} is not allowed; use a whole number from ${min} to ${max}`,
    );
  }
}
