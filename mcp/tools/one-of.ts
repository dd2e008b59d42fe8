// The one way tools take a choice: z.enum, but "running", "Running" and " RUNNING " all mean Running.
// A model writes the value as the user said it; a refused casing costs a retry. The value reaches the
// tool in its canonical spelling, and tools/list still lists the values (the JSON schema is the enum's).
import { z } from 'zod';

/** A z.enum of `values` that takes any of them in any case, with spaces around. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, params?: Parameters<typeof z.enum>[1]) {
  const canonical = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const wanted = value.trim().toLowerCase();
    return values.find((v) => v.toLowerCase() === wanted) ?? value;
  };
  return z.preprocess(canonical, z.enum(values, params));
}
