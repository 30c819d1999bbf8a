// YAML scalars as the data files write them.

// A YAML double-quoted scalar.
export function quote(text) {
  return JSON.stringify(String(text));
}

// A plain scalar when the value is a simple word, else a quoted one ("" for empty).
export function word(text) {
  return /^[A-Za-z0-9][A-Za-z0-9._]*$/.test(String(text)) ? String(text) : quote(text);
}
