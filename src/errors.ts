// A mistake the user can fix (bad recipe, bad flag): printed as one line, exit code 2.
export class UserError extends Error {
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }

  // The one line shown to the user: "file:line:col: message" or just the message.
  get line(): string {
    const text = this.where && !this.message.startsWith(this.where) ? `${this.where}: ${this.message}` : this.message;
    return text.replace(/\r?\n/g, '\\n');
  }
}

// A host that cannot be reached (refused, timed out, its key refused or changed): one line naming it.
export class UnreachableError extends UserError {
  constructor(message: string, where?: string) {
    super(message, where);
    this.name = 'UnreachableError';
  }
}

// Several user errors found in one pass (e.g. `rig validate`); each is printed on its own line.
export class UserErrors extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.line).join('\n'));
    this.name = 'UserErrors';
  }
}

// The failure was already reported to the user; just exit with this code.
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitError';
  }
}

// The target could not do what rig asked of it (say, report its facts): a line naming it, then the tail of its output.
export class TargetError extends Error {
  constructor(
    readonly target: string,
    message: string,
    readonly output: string,
  ) {
    super(`${target}: ${message}`);
    this.name = 'TargetError';
  }
}
