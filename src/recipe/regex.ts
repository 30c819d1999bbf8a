import { setFlagsFromString } from 'node:v8';
import { Script, createContext } from 'node:vm';
import { UserError } from '../errors.js';
import { formatPath, type KeyPath } from '../yaml/source.js';

// A regex that backtracks without end ((a+)+ on "aaa…b") is run again by V8's linear-time engine once it has
// backtracked too long: set before any recipe regex is built (and so before it is compiled, on its first use).
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

// How long one match of a recipe's regex may take: the linear engine cannot run lookarounds and backreferences, so a
// pattern with those that backtracks too long is stopped here.
const BUDGET_MS = 2000;

const exec = RegExp.prototype.exec;
const runExec = new Script('exec.call(re, text)');
const sandbox = createContext({ exec, re: null as RegExp | null, text: '' });

// A recipe's regex (check.version, verify[].expect, hints[].match): every match runs within BUDGET_MS, and one that
// runs out is one line naming the recipe's key and its position.
class RecipeRegExp extends RegExp {
  static override get [Symbol.species](): RegExpConstructor {
    return RegExp;
  }

  constructor(
    source: string,
    private readonly key: KeyPath,
    private readonly where: () => string,
  ) {
    super(source, 'm');
  }

  override exec(text: string): RegExpExecArray | null {
    Object.assign(sandbox, { re: this, text });
    try {
      return runExec.runInContext(sandbox, { timeout: BUDGET_MS }) as RegExpExecArray | null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
      const shown = this.source.length > 60 ? `${this.source.slice(0, 59)}…` : this.source;
      throw new UserError(`${formatPath(this.key)}: /${shown}/ ran over ${BUDGET_MS / 1000} s on ${text.length} characters of output (it backtracks without end: avoid nested repetition like (a+)+ next to lookarounds or backreferences)`, this.where());
    } finally {
      Object.assign(sandbox, { re: null, text: '' });
    }
  }
}

// Compile the regex at `key` of a recipe (multiline, as every recipe regex is); a bad pattern throws SyntaxError.
export function recipeRegex(source: string, key: KeyPath, where: () => string): RegExp {
  return new RecipeRegExp(source, key, where);
}

// Compile the regex at `key` of a recipe being loaded; a bad pattern is a UserError in `errors` (and undefined).
export function compileRegex(source: string, key: KeyPath, at: (path: KeyPath) => string, errors: UserError[]): RegExp | undefined {
  try {
    return recipeRegex(source, key, () => at(key));
  } catch (err) {
    errors.push(new UserError(`${formatPath(key)}: bad regex: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, at(key)));
    return undefined;
  }
}

// A pattern's capturing groups: how many, and the names of the named ones.
export function groupsOf(pattern: RegExp): { count: number; names: string[] } {
  const match = new RegExp(`${pattern.source}|`).exec('')!;
  return { count: match.length - 1, names: Object.keys(match.groups ?? {}) };
}
