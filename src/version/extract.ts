// Finding the version in a tool's output (`cmake --version`, `nvcc -V`, `python -c 'print(x.__version__)'`).

// A version-looking token: two or more numeric parts, not starting inside a longer number, with
// optional PEP 440 pre/post/dev suffixes (each must end the word: `1.1.1f` gives `1.1.1`, `1.0alpine`
// gives `1.0`) and an optional `+local` label. Letters may come right before it (`go1.21.0`, `V12.4.131`).
// The pattern of a version-looking token (an exported script finds versions with it too).
export const TOKEN_RE = new RegExp(
  '(?<![\\d.])\\d+(?:\\.\\d+)+' +
    '(?:[-_.]?(?:alpha|beta|preview|pre|rc|a|b|c)[-_.]?\\d*(?![a-z]))?' +
    '(?:[-_.]?post[-_.]?\\d*(?![a-z]))?' +
    '(?:[-_.]?dev[-_.]?\\d*(?![a-z]))?' +
    '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?',
  'i',
);

function tidy(text: string): string | undefined {
  const trimmed = text
    .trim()
    .replace(/^[("'`[]+/, '')
    .replace(/[.,;:!?)\]}"'`]+$/, '');
  return trimmed === '' ? undefined : trimmed;
}

// The first match of `pattern` in `text`, whatever its flags (a global or sticky pattern is matched as a fresh copy
// from the start); a pattern of a recipe is matched itself, within its time budget.
export function firstMatch(pattern: RegExp, text: string): RegExpExecArray | null {
  return (pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern).exec(text);
}

// Returns the version in `output`: the pattern's `version` group (else group 1, else the whole
// match) when a pattern is given, otherwise the first version-looking token; trailing punctuation trimmed.
export function extractVersion(output: string, pattern?: RegExp): string | undefined {
  if (pattern) {
    const match = firstMatch(pattern, output);
    if (!match) return undefined;
    const found = match.groups && 'version' in match.groups ? match.groups.version : match.length > 1 ? match[1] : match[0];
    return found === undefined ? undefined : tidy(found);
  }
  const token = TOKEN_RE.exec(output);
  return token ? tidy(token[0]) : undefined;
}
