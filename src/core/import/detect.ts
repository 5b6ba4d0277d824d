/**
 * Which importer a file needs, from its first bytes (content first), then from its name.
 *
 * Content rules, in order: ZIP magic → `inspect-eval`; a JSON object whose top-level keys include `greenlight`
 * (value 1) → `native`; `eval` with `version` or `status` → `inspect-json`; `results` with a key only lm-eval
 * writes (`n-samples`, `versions`, `config`, `configs`, `group_subtasks`, `groups`, `n-shot`,
 * `higher_is_better`) → `lm-eval-results`; an object with `doc_id` (the first line of JSONL) →
 * `lm-eval-samples`; a first line that is a CSV header of `id`, `value` (and `epoch`, `cluster`) → `csv`.
 * The head may be cut anywhere: keys are read with a small scanner, not a JSON parser.
 */
import type { LogFormat } from './types.js';

const LM_EVAL_KEYS = [
  'n-samples',
  'versions',
  'config',
  'configs',
  'group_subtasks',
  'groups',
  'n-shot',
  'higher_is_better',
];

export function detectFormat(head: Uint8Array, fileName: string): LogFormat | null {
  return detectFromContent(head) ?? detectFromName(fileName);
}

/** What `--format inspect|lm-eval|csv` means for this file. Undefined `flag`: detect. */
export function resolveFormat(
  flag: 'inspect' | 'lm-eval' | 'csv' | undefined,
  head: Uint8Array,
  fileName: string,
): LogFormat | null {
  if (flag === undefined) return detectFormat(head, fileName);
  if (flag === 'csv') return 'csv';
  if (flag === 'inspect') {
    if (isZip(head)) return 'inspect-eval';
    if (firstNonSpace(head) === '{') return 'inspect-json';
    return extension(fileName) === 'eval' ? 'inspect-eval' : 'inspect-json';
  }
  const detected = detectFormat(head, fileName);
  if (detected === 'lm-eval-results' || detected === 'lm-eval-samples') return detected;
  return extension(fileName) === 'jsonl' ? 'lm-eval-samples' : 'lm-eval-results';
}

function isZip(b: Uint8Array): boolean {
  return (
    b.length >= 4 &&
    b[0] === 0x50 &&
    b[1] === 0x4b &&
    ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))
  );
}

function decode(head: Uint8Array): string {
  let s = new TextDecoder('utf-8', { fatal: false }).decode(head);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return s;
}

function firstNonSpace(head: Uint8Array): string | undefined {
  return /\S/.exec(decode(head.subarray(0, 4096)))?.[0];
}

function detectFromContent(head: Uint8Array): LogFormat | null {
  if (isZip(head)) return 'inspect-eval';
  const text = decode(head);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const keys = topLevelKeys(trimmed);
    if (keys.has('greenlight') && keys.get('greenlight') === '1') return 'native';
    if (keys.has('eval') && (keys.has('version') || keys.has('status'))) return 'inspect-json';
    if (keys.has('results') && LM_EVAL_KEYS.some((k) => keys.has(k))) return 'lm-eval-results';
    if (keys.has('doc_id')) return 'lm-eval-samples';
    return null;
  }
  const firstLine = trimmed.split(/\r?\n|\r/, 1)[0] ?? '';
  if (isCsvHeader(firstLine)) return 'csv';
  return null;
}

function isCsvHeader(line: string): boolean {
  const names = line.split(',').map((f) =>
    f
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim()
      .toLowerCase(),
  );
  const allowed = new Set(['id', 'value', 'epoch', 'cluster']);
  return (
    names.includes('id') &&
    names.includes('value') &&
    names.every((n) => allowed.has(n)) &&
    new Set(names).size === names.length
  );
}

function extension(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const i = base.lastIndexOf('.');
  return i < 0 ? '' : base.slice(i + 1).toLowerCase();
}

function detectFromName(fileName: string): LogFormat | null {
  const base = (fileName.split(/[\\/]/).pop() ?? fileName).toLowerCase();
  switch (extension(fileName)) {
    case 'eval':
      return 'inspect-eval';
    case 'jsonl':
      return 'lm-eval-samples';
    case 'csv':
      return 'csv';
    case 'json':
      return base.startsWith('results') ? 'lm-eval-results' : null;
    default:
      return null;
  }
}

/**
 * The keys of the first top-level JSON object in `text` (which starts with `{` and may be cut anywhere), each
 * with the first few characters of its value when that value is a scalar.
 */
export function topLevelKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let depth = 0;
  let i = 0;
  const n = text.length;
  let expectKey = false;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      // A string: find its end.
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= n) break;
      if (depth === 1 && expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          key = text.slice(i + 1, j);
        }
        let k = j + 1;
        while (k < n && /\s/.test(text[k]!)) k++;
        if (text[k] === ':') {
          k++;
          while (k < n && /\s/.test(text[k]!)) k++;
          const scalar = /^[^,{}[\]\s]{0,16}/.exec(text.slice(k, k + 16))?.[0] ?? '';
          keys.set(key, scalar);
          expectKey = false;
          i = k;
          continue;
        }
      }
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) expectKey = true;
    i++;
  }
  return keys;
}
