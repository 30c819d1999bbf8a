const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

// Quote a value as one shell word that the shell will never interpret.
export function shq(value: string): string {
  if (value !== '' && SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

// Join values into a shell command line, each quoted as data.
export function shjoin(values: readonly string[]): string {
  return values.map(shq).join(' ');
}
