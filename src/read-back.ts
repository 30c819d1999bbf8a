import type { z } from 'zod';

// The first few problems zod found in `data`, in one line: "arch: missing; root: Invalid option: …".
export function problems(error: z.ZodError, data: unknown, max = 4): string {
  const valueAt = (path: PropertyKey[]) => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
  const shown = error.issues.slice(0, max).map((i) => {
    const why = valueAt(i.path) === undefined && i.path.length ? 'missing' : i.message;
    return i.path.length ? `${i.path.join('.')}: ${why}` : why;
  });
  return `${shown.join('; ')}${error.issues.length > max ? '; …' : ''}`.replace(/\r?\n/g, ' ');
}

// JSON that rig wrote earlier, read back: its data when `schema` accepts it, else why not, in one line.
export function readBack<T extends z.ZodType>(text: string, schema: T): { data: z.infer<T> } | { why: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { why: `not JSON: ${(err as Error).message.split('\n')[0]}` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { data: parsed.data } : { why: problems(parsed.error, json, 1) };
}
