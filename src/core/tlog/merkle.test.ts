import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listJson, readFixtureText, readProbe } from '../../test-support/tlog-fixtures.js';
import { GreenlightError } from '../errors.js';
import {
  consistencyProof,
  EMPTY_ROOT,
  fromBase64,
  fromHex,
  inclusionProof,
  leafHash,
  MerkleState,
  nodeHash,
  rootFromLeafHashes,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from './index.js';
import { ReferenceTree } from './test-helpers/reference.js';

interface RefVectors {
  hasher: {
    op: string;
    inputHex?: string;
    leftHex?: string;
    rightHex?: string;
    expectHex: string;
    desc: string;
  }[];
  tree: { leafInputsHex: string[]; nodeHashesByLevelHex: string[][]; rootHashesBySizeHex: string[] };
}
const ref = JSON.parse(readFixtureText('merkle/rfc6962-reference-vectors.json')) as RefVectors;

interface AllProofs {
  leafInputsHex: string[];
  inclusion: {
    leafIndex: number;
    treeSize: number;
    leafHashHex: string;
    rootHex: string;
    proofHex: string[];
  }[];
  consistency: { size1: number; size2: number; root1Hex: string; root2Hex: string; proofHex: string[] }[];
}
const allProofs = JSON.parse(
  readFixtureText('merkle/rfc6962-8-leaf-tree-all-proofs.derived.json'),
) as AllProofs;

const nodes = ref.tree.nodeHashesByLevelHex.map((level) => level.map(fromHex));
const getNode = (level: number, index: number) => {
  const h = nodes[level]?.[index];
  if (h === undefined) throw new Error(`no node ${level}/${index}`);
  return h;
};
const hexes = (proof: Uint8Array[]) => proof.map(toHex);

/** A verdict for a probe: true = accepted; false or a GreenlightError = rejected. */
function verdict(f: () => boolean): boolean {
  try {
    return f();
  } catch (e) {
    if (e instanceof GreenlightError) return false;
    throw e;
  }
}

describe('RFC 6962 reference vectors (transparency-dev/merkle)', () => {
  it.each(ref.hasher)('$desc', (v) => {
    if (v.op === 'emptyRoot') expect(toHex(EMPTY_ROOT)).toBe(v.expectHex);
    else if (v.op === 'hashLeaf') expect(toHex(leafHash(fromHex(v.inputHex!)))).toBe(v.expectHex);
    else if (v.op === 'hashChildren') {
      expect(toHex(nodeHash(fromHex(v.leftHex!), fromHex(v.rightHex!)))).toBe(v.expectHex);
    } else throw new Error(`unknown op ${v.op}`);
  });

  it('leaf hashes of the 8 leaf inputs are the level-0 node hashes', () => {
    expect(ref.tree.leafInputsHex.map((x) => toHex(leafHash(fromHex(x))))).toEqual(
      ref.tree.nodeHashesByLevelHex[0],
    );
  });

  it('every interior node hash', () => {
    for (let l = 1; l < nodes.length; l++) {
      nodes[l]!.forEach((h, i) => {
        expect(toHex(nodeHash(nodes[l - 1]![2 * i]!, nodes[l - 1]![2 * i + 1]!))).toBe(toHex(h));
      });
    }
  });

  it.each(ref.tree.rootHashesBySizeHex.map((root, size) => ({ size, root })))(
    'root of size $size',
    ({ size, root }) => {
      expect(toHex(rootFromLeafHashes(nodes[0]!.slice(0, size)))).toBe(root);
      const st = MerkleState.empty();
      for (const h of nodes[0]!.slice(0, size)) st.append(h);
      expect(toHex(st.root())).toBe(root);
    },
  );
});

describe('derived: every proof of the 8-leaf tree', () => {
  it('uses the reference leaf inputs', () => {
    expect(allProofs.leafInputsHex).toEqual(ref.tree.leafInputsHex);
  });

  it.each(allProofs.inclusion)('inclusion $leafIndex in $treeSize', (v) => {
    expect(hexes(inclusionProof(v.leafIndex, v.treeSize, getNode))).toEqual(v.proofHex);
    expect(
      verifyInclusion(
        fromHex(v.leafHashHex),
        v.leafIndex,
        v.treeSize,
        v.proofHex.map(fromHex),
        fromHex(v.rootHex),
      ),
    ).toBe(true);
  });

  it.each(allProofs.consistency)('consistency $size1 -> $size2', (v) => {
    expect(hexes(consistencyProof(v.size1, v.size2, getNode))).toEqual(v.proofHex);
    expect(
      verifyConsistency(v.size1, v.size2, v.proofHex.map(fromHex), fromHex(v.root1Hex), fromHex(v.root2Hex)),
    ).toBe(true);
  });
});

const b64 = (s: string) => fromBase64(s, 'probe hash');
const proofOf = (p: unknown) => ((p as string[] | null) ?? []).map(b64);

describe('transparency-dev/merkle testdata: inclusion', () => {
  const files = listJson('merkle/transparency-dev-testdata/inclusion');
  it('has all the inclusion probes', () => expect(files.length).toBe(98));
  it.each(files)('%s', (file) => {
    const p = readProbe(file);
    const ok = verdict(() =>
      verifyInclusion(
        b64(p.leafHash as string),
        p.leafIdx as bigint,
        p.treeSize as bigint,
        proofOf(p.proof),
        b64(p.root as string),
      ),
    );
    expect(ok, p.desc as string).toBe(!p.wantErr);
  });
});

describe('transparency-dev/merkle testdata: consistency', () => {
  const files = listJson('merkle/transparency-dev-testdata/consistency');
  it('has all the consistency probes', () => expect(files.length).toBe(98));
  it.each(files)('%s', (file) => {
    const p = readProbe(file);
    const ok = verdict(() =>
      verifyConsistency(
        p.size1 as bigint,
        p.size2 as bigint,
        proofOf(p.proof),
        b64(p.root1 as string),
        b64(p.root2 as string),
      ),
    );
    expect(ok, p.desc as string).toBe(!p.wantErr);
  });
});

/**
 * The subtree* families test Merkle Tree Certificate subtree proofs (draft-ietf-plants-merkle-tree-certs):
 * inclusion in, and consistency of, an arbitrary subtree [start, end). We do not implement subtree
 * cosigning, so the probes with start > 0 do not apply. A subtree [0, end) is simply the tree of size
 * `end`, so the start = 0 probes are ordinary RFC 9162 probes and must give the same verdict — except the
 * empty subtree (end = 0), which MTC accepts and RFC 9162 consistency (our choice: size 0 is refused)
 * does not apply to.
 */
describe('transparency-dev/merkle testdata: subtree probes with start = 0 (the rest do not apply)', () => {
  const load = (fam: string) =>
    listJson(`merkle/transparency-dev-testdata/${fam}`)
      .map((file) => ({ file, p: readProbe(file) }))
      .filter(({ p }) => p.start === 0n && (p.end as bigint) > 0n);
  const inclusion = load('subtreeinclusion');
  const consistency = load('subtreeconsistency');

  it('selects the applicable probes', () => {
    expect(inclusion.length).toBe(93);
    expect(consistency.length).toBe(91);
  });

  it.each(inclusion)('$file', ({ p }) => {
    const ok = verdict(() =>
      verifyInclusion(
        b64(p.leafHash as string),
        p.leafIdx as bigint,
        p.end as bigint,
        proofOf(p.proof),
        b64(p.root as string),
      ),
    );
    expect(ok, p.desc as string).toBe(!p.wantErr);
  });

  it.each(consistency)('$file', ({ p }) => {
    const ok = verdict(() =>
      verifyConsistency(
        p.end as bigint,
        p.size as bigint,
        proofOf(p.proof),
        b64(p.root1 as string),
        b64(p.root2 as string),
      ),
    );
    expect(ok, p.desc as string).toBe(!p.wantErr);
  });
});

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GreenlightError) return e.code;
    throw e;
  }
  return undefined;
}

describe('sizes and indexes beyond 2^53 - 1', () => {
  const h = new Uint8Array(32);
  const big = [2 ** 53, 2n ** 53n, 2n ** 64n - 1n, Number.MAX_VALUE];
  it.each(big.map((v) => ({ v })))('refuses $v as unsupported', ({ v }) => {
    expect(code(() => verifyInclusion(h, v, v, [], h))).toBe('unsupported');
    expect(code(() => verifyInclusion(h, 0, v, [], h))).toBe('unsupported');
    expect(code(() => verifyConsistency(1, v, [h], h, h))).toBe('unsupported');
    expect(code(() => verifyConsistency(v, v, [], h, h))).toBe('unsupported');
    expect(code(() => inclusionProof(0, v, getNode))).toBe('unsupported');
    expect(code(() => consistencyProof(1, v, getNode))).toBe('unsupported');
  });

  it('accepts 2^53 - 1 exactly', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(verifyInclusion(h, max - 1, max, [], h)).toBe(false);
    expect(verifyConsistency(max - 1, max, [h], h, h)).toBe(false);
  });

  it.each([-1, 1.5, Number.NaN, -1n, Number.POSITIVE_INFINITY].map((v) => ({ v })))(
    'refuses $v as invalid_input (infinity: unsupported)',
    ({ v }) => {
      const want = v === Number.POSITIVE_INFINITY ? 'unsupported' : 'invalid_input';
      expect(code(() => verifyInclusion(h, v, 4, [], h))).toBe(want);
      expect(code(() => verifyConsistency(1, v, [], h, h))).toBe(want);
    },
  );
});

describe('proof generation and verification edge cases', () => {
  it('refuses impossible proof requests', () => {
    expect(code(() => inclusionProof(8, 8, getNode))).toBe('invalid_input');
    expect(code(() => inclusionProof(0, 0, getNode))).toBe('invalid_input');
    expect(code(() => consistencyProof(0, 8, getNode))).toBe('invalid_input');
    expect(code(() => consistencyProof(5, 4, getNode))).toBe('invalid_input');
    expect(consistencyProof(8, 8, getNode)).toEqual([]);
  });

  it('rejects a stored hash that is not 32 bytes', () => {
    expect(code(() => inclusionProof(0, 2, () => new Uint8Array(31)))).toBe('invalid_input');
  });

  it('rejects over-long proofs without hashing forever', () => {
    const h = new Uint8Array(32);
    expect(verifyInclusion(h, 0, 2, new Array(1000).fill(h), h)).toBe(false);
    expect(verifyConsistency(3, 7, new Array(1000).fill(h), h, h)).toBe(false);
  });
});

describe('MerkleState (compact range)', () => {
  const leaves = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`${seed}:${i}`)));

  it('root equals MTH after every append (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const ls = leaves(n, seed);
        const reference = new ReferenceTree((i) => ls[i]!);
        const st = MerkleState.empty();
        expect(toHex(st.root())).toBe(toHex(reference.mth(0, 0)));
        ls.forEach((l, i) => {
          st.append(l);
          expect(st.size).toBe(i + 1);
        });
        expect(toHex(st.root())).toBe(toHex(reference.mth(0, n)));
        expect(toHex(rootFromLeafHashes(ls))).toBe(toHex(reference.mth(0, n)));
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips through fromHashes and refuses bad state', () => {
    const ls = leaves(13, 1);
    const st = MerkleState.empty();
    for (const l of ls) st.append(l);
    expect(st.hashes().length).toBe(3);
    const back = MerkleState.fromHashes(13, st.hashes());
    back.append(ls[0]!);
    st.append(ls[0]!);
    expect(toHex(back.root())).toBe(toHex(st.root()));
    expect(code(() => MerkleState.fromHashes(12, st.hashes()))).toBe('invalid_input');
    expect(code(() => MerkleState.fromHashes(2n ** 60n, []))).toBe('unsupported');
    expect(code(() => st.append(new Uint8Array(3)))).toBe('invalid_input');
    const full = MerkleState.fromHashes(Number.MAX_SAFE_INTEGER, new Array(53).fill(new Uint8Array(32)));
    expect(code(() => full.append(new Uint8Array(32)))).toBe('unsupported');
  });
});
