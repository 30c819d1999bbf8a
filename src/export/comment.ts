// Text for one comment line of an exported script or Dockerfile: a line break in it (from a summary, a skip reason,
// an instance id, a fact of a --facts file, an argument) would start a line of its own, a command or an instruction.
export function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
