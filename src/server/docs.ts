/**
 * /docs: the OpenAPI document rendered as a self-contained HTML page (no scripts, no CDN; one same-origin
 * stylesheet, so the strict CSP holds).
 */

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' ? (x as Obj) : {});

function schemaBlock(schema: unknown): string {
  return `<pre class="schema">${esc(JSON.stringify(schema, null, 2))}</pre>`;
}

export function renderDocs(document: unknown): string {
  const doc = obj(document);
  const info = obj(doc.info);
  const paths = obj(doc.paths);
  const byTag = new Map<string, string[]>();
  const toc: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(obj(item))) {
      const o = obj(op);
      const id = esc(o.operationId ?? `${method}-${path}`);
      const tag = String((o.tags as string[] | undefined)?.[0] ?? 'other');
      const params = ((o.parameters as Obj[] | undefined) ?? [])
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${esc(p.description ?? '')}</td></tr>`,
        )
        .join('');
      const body = obj(o.requestBody);
      const bodyHtml = body.content
        ? `<h4>Body</h4><p>${esc(body.description ?? '')}</p>${Object.entries(obj(body.content))
            .map(
              ([type, c]) =>
                `<details><summary><code>${esc(type)}</code></summary>${schemaBlock(obj(c).schema)}</details>`,
            )
            .join('')}`
        : '';
      const responses = Object.entries(obj(o.responses))
        .map(([status, r]) => {
          const schema = obj(obj(obj(r).content)['application/json']).schema;
          const inner = schema
            ? `<details><summary>${esc(status)} ${esc(obj(r).description)}</summary>${schemaBlock(schema)}</details>`
            : `<p>${esc(status)} ${esc(obj(r).description)}</p>`;
          return `<li>${inner}</li>`;
        })
        .join('');
      const section = `<section class="op" id="${id}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(o.summary ?? '')}</p><p class="who">${esc(o.description ?? '')}</p>
${params ? `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>about</th></tr></thead><tbody>${params}</tbody></table>` : ''}
${bodyHtml}<h4>Answers</h4><ul>${responses}</ul></section>`;
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(section);
      toc.push(`<li><a href="#${id}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`);
    }
  }
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  const schemas = Object.entries(obj(obj(doc.components).schemas))
    .map(([name, s]) => `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${schemaBlock(s)}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title ?? 'API')} ${esc(info.version ?? '')}</title><link rel="stylesheet" href="/docs/docs.css"></head>
<body><header><h1>${esc(info.title ?? 'API')} <small>${esc(info.version ?? '')} · OpenAPI ${esc(doc.openapi)}</small></h1>
<p>${esc(info.description ?? '')}</p><p><a href="/openapi.json">openapi.json</a></p></header>
<nav aria-label="Operations"><ul>${toc.join('')}</ul></nav>
<main>${sections}<h2 id="schemas">Schemas</h2>${schemas}</main></body></html>`;
}

export const DOCS_CSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:grid;grid-template-columns:minmax(14rem,22rem) 1fr;color:#1a1a1a}
header{grid-column:1/3;padding:1rem 2rem;background:#0b3d2e;color:#fff}header a{color:#cfe}
nav{padding:1rem;border-right:1px solid #ddd;overflow:auto;max-height:100vh;position:sticky;top:0}
nav ul{list-style:none;padding:0;margin:0;font-size:13px}nav a{color:#064;text-decoration:none}nav a:focus,nav a:hover{text-decoration:underline}
main{padding:1rem 2rem;min-width:0}.op{border:1px solid #ddd;border-radius:6px;padding:0 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;padding:0 .4em;font-size:13px}
.get{background:#1b5e9a}.post{background:#1d7a3e}.delete{background:#a32121}.who{color:#444}
pre.schema{background:#f5f5f5;padding:.5rem;overflow:auto;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}
@media (max-width:700px){body{display:block}nav{position:static;max-height:none;border:0}}
`;
