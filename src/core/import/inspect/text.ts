/** Strings from a log or an archive as they may appear in a one-line message. */

/** `s` with control characters written as `\uXXXX`, so it cannot break a line. */
export function printable(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      out += `${s.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** The first line of a (possibly multi-line) message from the log, printable and shortened. */
export function firstLine(s: string, max = 160): string {
  const line = printable(s.split(/\r?\n/, 1)[0] ?? '');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
