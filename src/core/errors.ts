/** The closed set of error codes the whole system raises. */
export type ErrorCode =
  | 'invalid_framework'
  | 'invalid_evidence'
  | 'invalid_request'
  | 'invalid_input'
  | 'not_comparable'
  | 'too_large'
  | 'unsupported'
  | 'io'
  | 'internal';

/** One located problem. `path` is a JSON path such as `domains[0].thresholds[1].requires.max_tier`. */
export interface Problem {
  path: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export class GreenlightError extends Error {
  readonly code: ErrorCode;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message: string, problems: Problem[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GreenlightError';
    this.code = code;
    this.problems = problems;
  }
}

export function isGreenlightError(e: unknown): e is GreenlightError {
  return e instanceof GreenlightError;
}

/** `file:line:col path: message`, dropping the parts that are unknown. */
export function formatProblem(p: Problem): string {
  let where = '';
  if (p.file !== undefined) {
    where = p.file;
    if (p.line !== undefined) where += `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
    where += ' ';
  } else if (p.line !== undefined) {
    where = `${p.line}${p.column !== undefined ? `:${p.column}` : ''} `;
  }
  return `${where}${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** The lines to show a person for an error: one per problem, or the message when there are none. */
export function errorLines(e: GreenlightError): string[] {
  return e.problems.length > 0 ? e.problems.map(formatProblem) : [e.message];
}

/** Appends `.key` or `[i]` to a JSON path. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const simple = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
  if (!simple) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}
