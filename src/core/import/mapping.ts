/**
 * The mapping file of `evidence import --map` (evidence.md, Importers):
 *
 * ```yaml
 * model: { id: example-lab/model-x, version: "2026-06-01" }   # optional; --model/--model-version override it
 * map:
 *   - { task: cybench, scorer: includes, metric: cyber.ctf_professional }
 * ```
 *
 * YAML 1.2 with the core schema (so `2026-06-01` is a string and `yes` is not a boolean). Every problem is
 * reported at once, located as `file:line:col path: message`.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document as YamlDocument,
  type Node as YamlNode,
} from 'yaml';
import { GreenlightError, joinPath, type Problem } from '../errors.js';
import { ID_PATTERN, MODEL_ID_PATTERN } from '../evidence/validate.js';
import type { MappingRule, MetricMapping } from './types.js';

const ROOT_KEYS = ['model', 'map'];
const MODEL_KEYS = ['id', 'version'];
const RULE_KEYS = ['task', 'scorer', 'metric'];

export function parseMappingFile(text: string, file?: string): MetricMapping {
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter: lc,
  });
  const problems: Problem[] = [];
  const at = (offset: number | undefined, path: string, message: string) => {
    const p: Problem = { path, message };
    if (file !== undefined) p.file = file;
    if (offset !== undefined) {
      const { line, col } = lc.linePos(offset);
      p.line = line;
      p.column = col;
    }
    problems.push(p);
  };
  for (const e of doc.errors) at(e.pos[0], '', e.message.split('\n')[0]!);
  if (problems.length > 0) throw fail(problems, file);

  const root = resolve(doc, doc.contents);
  const start = (n: YamlNode | null | undefined) => n?.range?.[0];
  const result: MetricMapping = { map: [] };
  if (!isMap(root)) {
    at(start(root) ?? 0, '', 'expected a mapping with "map" (and optionally "model")');
    throw fail(problems, file);
  }

  const keyName = (k: unknown): string | undefined =>
    isScalar(k) && typeof k.value === 'string' ? k.value : isScalar(k) ? String(k.value) : undefined;

  /** The string at `node`, or a problem. */
  const str = (node: YamlNode | null | undefined, offset: number | undefined, path: string, what: string) => {
    const n = resolve(doc, node);
    if (isScalar(n) && typeof n.value === 'string' && n.value.length > 0) return n.value;
    const got =
      n === null || n === undefined || (isScalar(n) && n.value === null)
        ? 'nothing'
        : isScalar(n)
          ? typeof n.value === 'string'
            ? 'an empty string'
            : `${typeof n.value} ${String(n.value)} (quote it to make it a string)`
          : isSeq(n)
            ? 'a list'
            : 'a mapping';
    at(start(n) ?? offset, path, `expected ${what}, got ${got}`);
    return undefined;
  };

  let mapSeen = false;
  for (const pair of root.items) {
    const name = keyName(pair.key);
    const keyAt = start(pair.key as YamlNode);
    const value = resolve(doc, pair.value as YamlNode | null);
    if (name === 'model') {
      if (!isMap(value)) {
        at(start(value) ?? keyAt, 'model', 'expected a mapping {id, version}');
        continue;
      }
      const model: { id?: string; version?: string } = {};
      for (const mp of value.items) {
        const k = keyName(mp.key);
        const kAt = start(mp.key as YamlNode);
        if (k === 'id') {
          const id = str(mp.value as YamlNode, kAt, 'model.id', 'a model id "<organisation>/<name>"');
          if (id !== undefined && !MODEL_ID_PATTERN.test(id))
            at(
              start(mp.value as YamlNode) ?? kAt,
              'model.id',
              `expected "<organisation>/<name>", got "${id}"`,
            );
          else if (id !== undefined) model.id = id;
        } else if (k === 'version') {
          const v = str(mp.value as YamlNode, kAt, 'model.version', 'a non-empty string');
          if (v !== undefined) model.version = v;
        } else {
          at(kAt, joinPath('model', k ?? '?'), `unknown key (expected one of: ${MODEL_KEYS.join(', ')})`);
        }
      }
      for (const k of MODEL_KEYS)
        if (!value.items.some((p) => keyName(p.key) === k)) at(start(value), 'model', `missing "${k}"`);
      if (model.id !== undefined && model.version !== undefined)
        result.model = { id: model.id, version: model.version };
    } else if (name === 'map') {
      mapSeen = true;
      if (!isSeq(value)) {
        at(start(value) ?? keyAt, 'map', 'expected a list of {task, scorer, metric}');
        continue;
      }
      if (value.items.length === 0) at(start(value) ?? keyAt, 'map', 'expected at least one rule');
      const seen = new Map<string, number>();
      value.items.forEach((item, i) => {
        const path = `map[${i}]`;
        const node = resolve(doc, item as YamlNode);
        if (!isMap(node)) {
          at(start(node) ?? start(value), path, 'expected a mapping {task, scorer, metric}');
          return;
        }
        const rule: Partial<MappingRule> = {};
        for (const rp of node.items) {
          const k = keyName(rp.key);
          const kAt = start(rp.key as YamlNode);
          if (k === 'task' || k === 'scorer' || k === 'metric') {
            const v = str(
              rp.value as YamlNode,
              kAt,
              joinPath(path, k),
              k === 'metric' ? 'a framework metric name' : 'a non-empty string',
            );
            if (v === undefined) continue;
            if (k === 'metric' && !ID_PATTERN.test(v)) {
              at(
                start(rp.value as YamlNode) ?? kAt,
                joinPath(path, k),
                `metric "${v}" does not match [a-z0-9][a-z0-9._-]*`,
              );
              continue;
            }
            rule[k] = v;
          } else {
            at(kAt, joinPath(path, k ?? '?'), `unknown key (expected one of: ${RULE_KEYS.join(', ')})`);
          }
        }
        for (const k of RULE_KEYS)
          if (!node.items.some((p) => keyName(p.key) === k)) at(start(node), path, `missing "${k}"`);
        if (rule.task !== undefined && rule.scorer !== undefined && rule.metric !== undefined) {
          const key = JSON.stringify([rule.task, rule.scorer, rule.metric]);
          const prior = seen.get(key);
          if (prior !== undefined) at(start(node), path, `the same rule as map[${prior}]`);
          else seen.set(key, i);
          result.map.push(rule as MappingRule);
        }
      });
    } else {
      at(keyAt, name ?? '?', `unknown key (expected one of: ${ROOT_KEYS.join(', ')})`);
    }
  }
  if (!mapSeen) at(start(root), '', 'missing "map": the list of {task, scorer, metric} rules');
  if (problems.length > 0) throw fail(problems, file);
  return result;
}

function resolve(doc: YamlDocument, node: YamlNode | null | undefined): YamlNode | null | undefined {
  if (isAlias(node)) return node.resolve(doc) as YamlNode | undefined;
  return node;
}

function fail(problems: Problem[], file: string | undefined): GreenlightError {
  return new GreenlightError(
    'invalid_input',
    `${file ?? 'mapping file'}: ${problems.length} problem(s) in the mapping file`,
    problems,
  );
}
