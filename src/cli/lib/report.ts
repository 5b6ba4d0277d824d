import type { Determination, EvaluationResult } from '../../core/determination/types.js';

const fmt = (x: number | null): string => (x === null ? '∞' : Number(x.toPrecision(4)).toString());

function interval(e: EvaluationResult): string {
  const [lo, hi] = e.interval;
  return `[${lo === null ? '−∞' : fmt(lo)}, ${hi === null ? '+∞' : fmt(hi)}]`;
}

/** A readable report of a determination for a person at a terminal. */
export function formatDetermination(d: Determination): string {
  const out: string[] = [];
  out.push(`Determination for ${d.model.id} version ${d.model.version}`);
  out.push(`Framework ${d.framework.id} ${d.framework.version} (${d.framework.digest})`);
  out.push('');
  for (const dom of d.domains) {
    out.push(
      `${dom.id}: level ${dom.level ?? 'none'}${dom.pending ? ' — PENDING: more evidence needed' : ''}`,
    );
    for (const t of dom.thresholds) {
      out.push(`  threshold ${t.id} (rule ${t.rule}): ${t.status}${t.reached ? ', reached' : ''}`);
      for (const ind of t.indicators) {
        const sign = ind.direction === 'above' ? '≥' : '≤';
        out.push(`    ${ind.metric} ${sign} ${ind.threshold}: ${ind.verdict}`);
        for (const e of ind.evaluations) {
          const needed = e.samples_needed !== null ? `, ~${e.samples_needed} samples needed` : '';
          const label = e.label ? `  ${e.label}` : '';
          out.push(
            `      estimate ${fmt(e.estimate)} ${interval(e)} n=${e.n} ${e.method}: ${e.verdict}${needed}${label}`,
          );
        }
      }
    }
  }
  out.push('');
  out.push(`Outcome: ${d.outcome}`);
  out.push(`Tier: requested ${d.requested_tier}, highest permitted ${d.max_tier}, granted ${d.granted_tier}`);
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
  out.push(
    `Safeguards: required ${list(d.safeguards.required)}; attested ${list(d.safeguards.attested)}; missing ${list(d.safeguards.missing)}`,
  );
  if (d.unmatched_metrics.length > 0)
    out.push(`Unmatched metrics (used by no indicator): ${d.unmatched_metrics.join(', ')}`);
  out.push(`Digest: ${d.digest}`);
  out.push(`Evidence digest: ${d.evidence_digest}`);
  return `${out.join('\n')}\n`;
}
