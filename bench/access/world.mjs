// A synthetic access world for the benchmark: the example framework's tier kinds, ORGS organisations, MODELS
// models (each approved at a `grant` tier), and GRANTS grants spread over (model, org) pairs, a few expired.
// Deterministic (seeded PRNG) so that the benchmark's processes build the same world.
export const TIERS = [
  { id: 'internal', access: 'developer' },
  { id: 'named_institutions', access: 'grant' },
  { id: 'vetted_partners', access: 'grant' },
  { id: 'general_api', access: 'verified' },
  { id: 'public', access: 'public' },
];

export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildWorld({ grants = 1_000_000, orgs = 20_000, models = 1_000, now = Date.now() } = {}) {
  const r = rng(42);
  const J = ['US', 'FR', 'DE', 'GB', 'JP', 'CA'];
  const snapshot = {
    counter: 1,
    frameworks: [{ id: 'example-frontier', version: '2026.1', tiers: TIERS }],
    orgs: Array.from({ length: orgs }, (_, i) => ({
      id: `org-${i}`,
      jurisdiction: J[i % J.length],
      verified: i % 3 === 0,
    })),
    models: Array.from({ length: models }, (_, i) => ({
      id: `org-${i % 50}/model-${i}`,
      org: `org-${i % 50}`,
      current_version: '1',
      versions: [
        {
          version: '1',
          withdrawn: false,
          approved_tier: TIERS[1 + (i % 4)].id,
          ref: `dec_${i}`,
          conditions: i % 10 === 0 ? { jurisdictions: { deny: ['JP'] } } : null,
          framework: { id: 'example-frontier', version: '2026.1' },
        },
      ],
    })),
    incidents: [],
    grants: [],
  };
  const perModel = grants / models;
  for (let m = 0; m < models; m++) {
    const model = snapshot.models[m].id;
    const start = Math.floor(r() * orgs);
    for (let k = 0; k < perModel; k++) {
      const n = m * perModel + k;
      snapshot.grants.push({
        id: `grt_${n}`,
        model,
        org: `org-${(start + k * 7) % orgs}`,
        tier: k % 2 === 0 ? 'named_institutions' : 'vetted_partners',
        expires_at:
          k % 10 === 0
            ? new Date(now - 1000).toISOString()
            : k % 10 === 1
              ? new Date(now + 86_400_000).toISOString()
              : null,
        created_at: new Date(now - 1_000_000 + (n % 1000)).toISOString(),
      });
    }
  }
  return snapshot;
}

/** Questions: half about a grant's (model, org), half random pairs. */
export function buildQuestions(snapshot, n, seed = 7) {
  const r = rng(seed);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      const g = snapshot.grants[Math.floor(r() * snapshot.grants.length)];
      out[i] = { model: g.model, org: g.org };
    } else {
      out[i] = {
        model: snapshot.models[Math.floor(r() * snapshot.models.length)].id,
        org: snapshot.orgs[Math.floor(r() * snapshot.orgs.length)].id,
      };
    }
  }
  return out;
}
