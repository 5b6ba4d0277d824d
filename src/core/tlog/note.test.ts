import { describe, expect, it } from 'vitest';
import { readFixtureText } from '../../test-support/tlog-fixtures.js';
import { GreenlightError } from '../errors.js';
import {
  type Checkpoint,
  computeKeyId,
  EMPTY_ROOT,
  formatCheckpoint,
  formatNote,
  formatVerifierKey,
  fromBase64,
  generateSignerKey,
  KEY_TYPE_ED25519,
  MAX_NOTE_SIZE,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signerVerifierKey,
  signNote,
  toBase64,
  tryFromBase64,
  utf8,
} from './index.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GreenlightError) return e.code;
    throw e;
  }
  return undefined;
}

interface Vector {
  id: string;
  skey?: string;
  vkey?: string;
  text?: string;
  signedNote: string;
  verifierKeys?: string[];
  expect: {
    keyIdHex?: string;
    signedNote?: string;
    valid: boolean;
    verifiedNames?: string[];
    checkpoint?: { origin: string; size: string; rootB64: string };
  };
}
const { vectors } = JSON.parse(readFixtureText('signed-note/signed-note-vectors.json')) as {
  vectors: Vector[];
};

describe('signed-note vectors', () => {
  it('has all ten vectors', () => expect(vectors.length).toBe(10));

  it.each(vectors)('$id', (v) => {
    if (v.vkey !== undefined && v.expect.keyIdHex !== undefined) {
      expect(parseVerifierKey(v.vkey).keyId.toString(16).padStart(8, '0')).toBe(v.expect.keyIdHex);
    }
    if (v.skey !== undefined) {
      const signer = parseSignerKey(v.skey);
      expect(signerVerifierKey(signer)).toBe(v.vkey);
      if (v.text !== undefined && v.expect.signedNote !== undefined) {
        // Ed25519 is deterministic: signing reproduces the upstream note byte for byte.
        expect(signNote(v.text, signer)).toBe(v.expect.signedNote);
      }
    }
    const keys = v.verifierKeys ?? (v.vkey !== undefined ? [v.vkey] : []);
    if (!v.expect.valid) {
      expect(code(() => openNote(v.signedNote, keys))).toBe('invalid_input');
      return;
    }
    const opened = openNote(v.signedNote, keys);
    expect(
      opened.verified.map((s) => (s.timestamp === undefined ? s.name : `${s.name}@${s.timestamp}`)),
    ).toEqual(v.expect.verifiedNames);
    if (v.text !== undefined) expect(opened.text).toBe(v.text);
    // Parsing and formatting round-trips every valid note.
    expect(formatNote(parseNote(v.signedNote))).toBe(v.signedNote);
    expect(openNote(utf8(v.signedNote), keys).verified).toEqual(opened.verified);
    const cp = v.expect.checkpoint;
    if (cp !== undefined) {
      const { checkpoint } = openCheckpoint(v.signedNote, v.vkey!, { origin: cp.origin });
      expect(checkpoint.origin).toBe(cp.origin);
      expect(String(checkpoint.size)).toBe(cp.size);
      expect(toBase64(checkpoint.root)).toBe(cp.rootB64);
      // Its origin is not the key name, so by default (origin = key name) it is refused.
      expect(code(() => openCheckpoint(v.signedNote, v.vkey!))).toBe('invalid_input');
    }
  });

  it('the type byte separates log signatures from cosignatures', () => {
    const w = parseVerifierKey('witness.example/w1+9a3b79e2+BNfzezqt4fBcjP4Ky4FN48Dc6ExAbNZWtw6VH7XAbvV9');
    expect(w.type).toBe(0x04);
    expect(computeKeyId(w.name, KEY_TYPE_ED25519, w.publicKey).toString(16)).toBe('9cd6cc12');
    // A checkpoint is not opened on a cosignature alone.
    const cosigned = vectors.find((v) => v.id.startsWith('GENERATED-cosignature'))!.signedNote;
    expect(code(() => openCheckpoint(cosigned, w, { origin: 'example.com/log/testdata' }))).toBe(
      'invalid_input',
    );
    // But the log key opens it, ignoring the cosignature.
    const tessera = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
    const opened = openCheckpoint(cosigned, tessera);
    expect(opened.checkpoint.size).toBe(15);
    expect(opened.note.unverified.map((s) => s.name)).toEqual(['witness.example/w1']);
  });
});

const PETER = vectors[0]!;
const TEXT = PETER.text!;
const SIGLINE = PETER.signedNote.slice(TEXT.length + 1);
const VKEY = PETER.vkey!;

describe('signed-note strict parsing', () => {
  const bad: [string, string][] = [
    ['no signature block', TEXT],
    ['no blank line', `${TEXT}${SIGLINE}`],
    ['signature block without final newline', `${TEXT}\n${SIGLINE.slice(0, -1)}`],
    ['empty signature block', `${TEXT}\n`],
    ['hyphens instead of em dash', `${TEXT}\n-- ${SIGLINE.slice(2)}`],
    ['en dash', `${TEXT}\n\u2013${SIGLINE.slice(1)}`],
    ['no space after dash', `${TEXT}\n\u2014${SIGLINE.slice(2)}`],
    ['name with plus', `${TEXT}\n\u2014 Peter+Neumann ${SIGLINE.split(' ')[2]}`],
    ['name with a no-break space', `${TEXT}\n\u2014 Peter\u00a0Neumann ${SIGLINE.split(' ')[2]}`],
    ['empty name', `${TEXT}\n\u2014  ${SIGLINE.split(' ')[2]}`],
    ['two spaces', `${TEXT}\n\u2014 PeterNeumann  ${SIGLINE.split(' ')[2]}`],
    ['trailing space', `${TEXT}\n${SIGLINE.slice(0, -1)} \n`],
    ['unpadded base64', `${TEXT}\n${SIGLINE.replace('=\n', '\n')}`],
    ['base64url', `${TEXT}\n${SIGLINE.replace(/\//g, '_')}`],
    ['signature shorter than 5 bytes', `${TEXT}\n\u2014 PeterNeumann AAAAAA==\n`],
    ['carriage return', `${TEXT.replace('\n', '\r\n')}\n${SIGLINE}`],
    ['tab', `${TEXT.replace(' ', '\t')}\n${SIGLINE}`],
    ['NUL', `${TEXT.replace(' ', '\u0000')}\n${SIGLINE}`],
    ['DEL', `${TEXT.replace(' ', '\u007f')}\n${SIGLINE}`],
    ['lone surrogate', `${TEXT.replace(' ', '\ud800')}\n${SIGLINE}`],
    ['101 signatures', `${TEXT}\n${SIGLINE.repeat(101)}`],
    ['over-long note', `${'a'.repeat(MAX_NOTE_SIZE)}\n\n${SIGLINE}`],
  ];
  it.each(bad)('rejects: %s', (_, note) => {
    expect(code(() => parseNote(note))).toBe('invalid_input');
    expect(code(() => openNote(note, [VKEY]))).toBe('invalid_input');
  });

  it('splits at the last blank line, so a signature line above it is text', () => {
    const note = `${TEXT}\n${SIGLINE}\n${SIGLINE}`;
    expect(parseNote(note).text).toBe(`${TEXT}\n${SIGLINE}`);
    expect(code(() => openNote(note, [VKEY]))).toBe('invalid_input');
  });

  it('rejects invalid UTF-8 bytes and over-long byte input', () => {
    const bytes = utf8(PETER.signedNote);
    bytes[3] = 0xff;
    expect(code(() => parseNote(bytes))).toBe('invalid_input');
    expect(code(() => parseNote(new Uint8Array(MAX_NOTE_SIZE + 1).fill(0x61)))).toBe('invalid_input');
  });

  it('accepts 100 signatures, verifies duplicates, and still needs one known key', () => {
    const many = `${TEXT}\n${SIGLINE.repeat(100)}`;
    expect(openNote(many, [VKEY]).verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(code(() => openNote(many, []))).toBe('invalid_input');
    // A second, corrupted signature by the same known key rejects the note.
    const sig = fromBase64(SIGLINE.slice(SIGLINE.lastIndexOf(' ') + 1, -1));
    sig[10]! ^= 1;
    const tampered = `${PETER.signedNote}\u2014 PeterNeumann ${toBase64(sig)}\n`;
    expect(code(() => openNote(tampered, [VKEY]))).toBe('invalid_input');
    // A known name with an unknown key ID is just another unknown signer.
    sig[0]! ^= 1;
    const otherKey = `${PETER.signedNote}\u2014 PeterNeumann ${toBase64(sig)}\n`;
    expect(openNote(otherKey, [VKEY]).unverified.length).toBe(1);
  });

  it('rejects a known signature of the wrong length', () => {
    const sig = fromBase64(SIGLINE.slice(SIGLINE.lastIndexOf(' ') + 1, -1));
    const long = `${TEXT}\n\u2014 PeterNeumann ${toBase64(new Uint8Array([...sig, 0]))}\n`;
    expect(code(() => openNote(long, [VKEY]))).toBe('invalid_input');
  });

  it('signs only valid text', () => {
    const signer = parseSignerKey(PETER.skey!);
    expect(code(() => signNote('no newline', signer))).toBe('invalid_input');
    expect(code(() => signNote('', signer))).toBe('invalid_input');
    expect(code(() => signNote('a\rb\n', signer))).toBe('invalid_input');
    expect(code(() => signNote('x\n', []))).toBe('invalid_input');
    // Text may contain blank lines, even at its end: the separator is the last blank line.
    for (const text of ['a\n\nb\n', 'a\n\n', '\n']) {
      expect(openNote(signNote(text, signer), [VKEY]).text).toBe(text);
    }
  });
});

describe('keys', () => {
  it('generates key pairs that sign and verify', () => {
    const seed = new Uint8Array(32).fill(3);
    const { signerKey, verifierKey } = generateSignerKey('greenlight.example/log', seed);
    expect(signerKey.startsWith('PRIVATE+KEY+greenlight.example/log+')).toBe(true);
    expect(generateSignerKey('greenlight.example/log', seed).verifierKey).toBe(verifierKey);
    const signer = parseSignerKey(signerKey);
    const note = signNote('hello\n', signer);
    expect(openNote(note, [verifierKey]).verified[0]!.name).toBe('greenlight.example/log');
    const random = generateSignerKey('greenlight.example/log');
    expect(random.verifierKey).not.toBe(verifierKey);
    expect(code(() => openNote(note, [random.verifierKey]))).toBe('invalid_input');
  });

  const vk = VKEY;
  it.each([
    ['no plus', 'PeterNeumann'],
    ['one plus', 'PeterNeumann+c74f20a3'],
    ['wrong key ID', vk.replace('c74f20a3', 'c74f20a4')],
    ['upper-case key ID', vk.replace('c74f20a3', 'C74F20A3')],
    ['short key ID', vk.replace('c74f20a3', 'c74f20a')],
    ['name with space', `Peter Neumann+${vk.split('+').slice(1).join('+')}`],
    ['empty name', `+${vk.split('+').slice(1).join('+')}`],
    ['bad base64', `${vk}=`],
    ['short key', `PeterNeumann+c74f20a3+${toBase64(new Uint8Array(32).fill(1))}`],
  ])('rejects verifier key: %s', (_, key) => {
    expect(code(() => parseVerifierKey(key))).toBe('invalid_input');
  });

  it('refuses unsupported key types', () => {
    const pub = new Uint8Array(32).fill(9);
    const raw = new Uint8Array([0x02, ...pub]);
    const id = computeKeyId('x', 0x02, pub).toString(16).padStart(8, '0');
    expect(code(() => parseVerifierKey(`x+${id}+${toBase64(raw)}`))).toBe('unsupported');
    expect(parseVerifierKey(formatVerifierKey('x', pub)).publicKey).toEqual(pub);
  });

  it.each([
    ['not private', PETER.skey!.replace('PRIVATE+KEY', 'PUBLIC+KEY')],
    ['wrong key ID', PETER.skey!.replace('c74f20a3', 'c74f20a4')],
    ['verifier key', VKEY],
    ['short seed', `PRIVATE+KEY+PeterNeumann+c74f20a3+${toBase64(new Uint8Array(32))}`],
  ])('rejects signer key: %s', (_, key) => {
    expect(code(() => parseSignerKey(key))).toBe('invalid_input');
  });
});

describe('strict base64', () => {
  it.each(['A', 'AA', 'AAA', 'AA=A', 'AB==', 'AAB=', 'A===', ' AAA', 'AA-_', 'AAAA\n'])('rejects %j', (s) => {
    expect(tryFromBase64(s)).toBeUndefined();
  });
  it('round-trips every length', () => {
    for (let n = 0; n < 70; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      expect(tryFromBase64(toBase64(b))).toEqual(b);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

const ORIGIN = 'greenlight.example/log';
const ROOT = fromBase64('rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=');
const ROOT_B64 = 'rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=';

describe('tlog-checkpoint', () => {
  const keys = generateSignerKey(ORIGIN, new Uint8Array(32).fill(7));
  const signer = parseSignerKey(keys.signerKey);

  it('formats, parses, signs and opens', () => {
    const cp: Checkpoint = { origin: ORIGIN, size: 15, root: ROOT, extensions: ['ext one'] };
    const text = formatCheckpoint(cp);
    expect(text).toBe(`${ORIGIN}\n15\n${ROOT_B64}\next one\n`);
    expect(parseCheckpoint(text)).toEqual(cp);
    const note = signCheckpoint(cp, signer);
    expect(openCheckpoint(note, keys.verifierKey).checkpoint).toEqual(cp);
    expect(code(() => openCheckpoint(note, keys.verifierKey, { origin: 'other' }))).toBe('invalid_input');
    const other = generateSignerKey(ORIGIN, new Uint8Array(32).fill(8));
    expect(code(() => openCheckpoint(note, other.verifierKey))).toBe('invalid_input');
    expect(
      openCheckpoint(signCheckpoint({ ...cp, size: Number.MAX_SAFE_INTEGER }, signer), keys.verifierKey)
        .checkpoint.size,
    ).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('requires the empty root for size 0', () => {
    const empty = signCheckpoint({ origin: ORIGIN, size: 0, root: EMPTY_ROOT, extensions: [] }, signer);
    expect(openCheckpoint(empty, keys.verifierKey).checkpoint.size).toBe(0);
    const wrong = signCheckpoint({ origin: ORIGIN, size: 0, root: ROOT, extensions: [] }, signer);
    expect(code(() => openCheckpoint(wrong, keys.verifierKey))).toBe('invalid_input');
  });

  it.each([
    ['leading zero', `${ORIGIN}\n015\n${ROOT_B64}\n`],
    ['plus sign', `${ORIGIN}\n+15\n${ROOT_B64}\n`],
    ['negative', `${ORIGIN}\n-1\n${ROOT_B64}\n`],
    ['space', `${ORIGIN}\n 15\n${ROOT_B64}\n`],
    ['hex', `${ORIGIN}\n0x0f\n${ROOT_B64}\n`],
    ['empty size', `${ORIGIN}\n\n${ROOT_B64}\n`],
    ['31-byte root', `${ORIGIN}\n15\n${toBase64(ROOT.slice(1))}\n`],
    ['33-byte root', `${ORIGIN}\n15\n${toBase64(new Uint8Array([...ROOT, 0]))}\n`],
    ['non-canonical base64', `${ORIGIN}\n15\n${ROOT_B64.replace('s=', 't=')}\n`],
    ['hex root', `${ORIGIN}\n15\n${'ab'.repeat(32)}\n`],
    ['no final newline', `${ORIGIN}\n15\n${ROOT_B64}`],
    ['two lines', `${ORIGIN}\n15\n`],
    ['empty origin', `\n15\n${ROOT_B64}\n`],
    ['empty extension line', `${ORIGIN}\n15\n${ROOT_B64}\n\n`],
    ['CRLF', `${ORIGIN}\r\n15\r\n${ROOT_B64}\r\n`],
  ])('rejects %s', (_, text) => {
    expect(code(() => parseCheckpoint(text))).toBe('invalid_input');
  });

  it('refuses sizes beyond 2^53 - 1', () => {
    expect(code(() => parseCheckpoint(`${ORIGIN}\n9007199254740992\n${ROOT_B64}\n`))).toBe('unsupported');
    expect(code(() => parseCheckpoint(`${ORIGIN}\n18446744073709551615\n${ROOT_B64}\n`))).toBe('unsupported');
    expect(parseCheckpoint(`${ORIGIN}\n9007199254740991\n${ROOT_B64}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
    expect(code(() => formatCheckpoint({ origin: ORIGIN, size: 2 ** 53, root: ROOT, extensions: [] }))).toBe(
      'unsupported',
    );
  });

  it('refuses to format malformed checkpoints', () => {
    expect(code(() => formatCheckpoint({ origin: '', size: 1, root: ROOT, extensions: [] }))).toBe(
      'invalid_input',
    );
    expect(code(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: ROOT, extensions: [] }))).toBe(
      'invalid_input',
    );
    expect(
      code(() => formatCheckpoint({ origin: ORIGIN, size: 1, root: ROOT.slice(1), extensions: [] })),
    ).toBe('invalid_input');
    expect(code(() => formatCheckpoint({ origin: ORIGIN, size: 1, root: ROOT, extensions: [''] }))).toBe(
      'invalid_input',
    );
  });
});
