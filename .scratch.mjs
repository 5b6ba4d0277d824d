import { parseDocument } from 'yaml';
const [kind, n] = [process.argv[2], Number(process.argv[3])];
const s = kind === 'flow' ? '['.repeat(n) : kind === 'block' ? 'a:\n' + Array.from({length: n}, (_, i) => ' '.repeat(i+1) + '- \n').join('') : '- '.repeat(n);
const t = performance.now();
const d = parseDocument(s, { version: '1.2', schema: 'core', prettyErrors: false });
console.log(kind, n, (performance.now() - t).toFixed(0), 'ms', d.errors.length, d.errors[0]?.code);
