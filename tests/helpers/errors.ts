import { UserError, UserErrors } from '../../src/errors.js';

// The lines of the user errors `fn` throws ([] when it throws none); any other error goes through.
export function errorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserErrors) return err.errors.map((e) => e.line);
    if (err instanceof UserError) return [err.line];
    throw err;
  }
  return [];
}
