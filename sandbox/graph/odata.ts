// The OData query options Graph supports on directory lists: $filter (eq, ne, startswith, endswith,
// in, any(), and/or/not, parentheses), $select, $top, $orderby, $count and paging by $skiptoken with
// an absolute https://graph.microsoft.com @odata.nextLink. Advanced operators need
// ConsistencyLevel: eventual and $count=true, as on the real service.
import { badRequest, GraphError, unsupportedQuery } from '../errors';
import type { Json } from '../state';

export const GRAPH_BASE = 'https://graph.microsoft.com/v1.0';

export interface EntityInfo {
  /** OData type name, e.g. "user". */
  type: string;
  /** Properties returned without $select. */
  defaults: string[];
  /** Every property the entity has. */
  all: string[];
  /**
   * What Graph serves without advanced query parameters ("Advanced query capabilities on Microsoft
   * Entra ID objects", learn.microsoft.com/graph/aad-advanced-queries, section "Support for filter by
   * properties of Microsoft Entra ID (directory) objects" and "Support for sorting"). Omitted: no
   * per-property limits (non-directory collections).
   */
  defaultQuery?: {
    /** Properties filterable only with ConsistencyLevel: eventual + $count=true (every operator). */
    advancedOnly: string[];
    /** Properties (or paths) with ge/le/gt/lt by default; on any other property a range is advanced. */
    rangeByDefault: string[];
    /** Properties $orderby takes by default. */
    orderBy: string[];
  };
  /**
   * A collection outside the directory (audit logs, security, SharePoint): every operator and
   * $orderby with $filter are served without ConsistencyLevel: eventual, which only directory
   * objects ask for.
   */
  plainQueries?: boolean;
}

type Value = string | number | boolean | null;
type Node =
  | { op: 'and' | 'or'; left: Node; right: Node }
  | { op: 'not'; arg: Node }
  | { op: 'eq' | 'ne' | 'ge' | 'le' | 'gt' | 'lt'; prop: string; value: Value }
  | { op: 'in'; prop: string; values: Value[] }
  | { op: 'startswith' | 'endswith'; prop: string; value: string }
  | { op: 'any'; prop: string; variable: string; body: Node };

const ADVANCED = new Set(['ne', 'not', 'endswith']);

class Parser {
  private pos = 0;
  private tokens: string[];
  advanced: string[] = [];

  constructor(private readonly text: string) {
    this.tokens = text.match(/'(?:[^']|'')*'|\(|\)|,|[^\s(),]+/g) ?? [];
  }

  parse(): Node {
    const node = this.or();
    if (this.pos < this.tokens.length) throw this.invalid();
    return node;
  }

  private invalid(): GraphError {
    return badRequest(`Invalid filter clause: Syntax error at position ${this.pos} in '${this.text}'.`);
  }

  private peek(): string | undefined {
    return this.tokens[this.pos];
  }

  private next(): string {
    const t = this.tokens[this.pos++];
    if (t === undefined) throw this.invalid();
    return t;
  }

  private expect(t: string) {
    if (this.next() !== t) throw this.invalid();
  }

  private or(): Node {
    let left = this.and();
    while (this.peek()?.toLowerCase() === 'or') {
      this.pos++;
      left = { op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.peek()?.toLowerCase() === 'and') {
      this.pos++;
      left = { op: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.peek()?.toLowerCase() === 'not') {
      this.pos++;
      this.advanced.push('not');
      return { op: 'not', arg: this.unary() };
    }
    if (this.peek() === '(') {
      this.pos++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Node {
    const first = this.next();
    const fn = first.toLowerCase();
    if ((fn === 'startswith' || fn === 'endswith') && this.peek() === '(') {
      this.pos++;
      const prop = this.next();
      this.expect(',');
      const value = this.literal(this.next());
      this.expect(')');
      if (typeof value !== 'string') throw this.invalid();
      if (fn === 'endswith') this.advanced.push('endsWith');
      return { op: fn, prop, value };
    }
    const lambda = /^([A-Za-z]+)\/any$/i.exec(first);
    if (lambda && this.peek() === '(') {
      this.pos++;
      const head = this.next();
      const m = /^([A-Za-z])+:(.+)$/.exec(head);
      if (!m) throw this.invalid();
      const variable = head.slice(0, head.indexOf(':'));
      // The lambda body starts with "x:x/prop" or "x:x"; reparse it as a comparison on that path.
      this.tokens[this.pos - 1] = head.slice(head.indexOf(':') + 1);
      this.pos--;
      const body = this.or();
      this.expect(')');
      return { op: 'any', prop: lambda[1], variable, body };
    }
    const op = this.next().toLowerCase();
    if (op === 'in') {
      this.expect('(');
      const values: Value[] = [];
      while (this.peek() !== ')') {
        values.push(this.literal(this.next()));
        if (this.peek() === ',') this.pos++;
      }
      this.expect(')');
      return { op: 'in', prop: first, values };
    }
    if (!['eq', 'ne', 'ge', 'le', 'gt', 'lt'].includes(op)) throw this.invalid();
    if (ADVANCED.has(op)) this.advanced.push(op);
    return { op: op as 'eq', prop: first, value: this.literal(this.next()) };
  }

  private literal(t: string): Value {
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (/^[0-9a-f-]{36}$/i.test(t)) return t.toLowerCase();
    if (/^\d{4}-\d{2}-\d{2}T/.test(t)) return t;
    throw this.invalid();
  }
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('/').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), obj);
}

function compare(actual: unknown, op: string, value: Value): boolean {
  const a = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const v = typeof value === 'string' ? value.toLowerCase() : value;
  switch (op) {
    case 'eq':
      return (a ?? null) === v;
    case 'ne':
      return (a ?? null) !== v;
    case 'ge':
      return (a as string) >= (v as string);
    case 'le':
      return (a as string) <= (v as string);
    case 'gt':
      return (a as string) > (v as string);
    case 'lt':
      return (a as string) < (v as string);
  }
  return false;
}

function evaluate(node: Node, obj: unknown, scope: Record<string, unknown>): boolean {
  const resolve = (prop: string) => {
    const [head, ...rest] = prop.split('/');
    if (head in scope) return rest.length ? getPath(scope[head], rest.join('/')) : scope[head];
    return getPath(obj, prop);
  };
  switch (node.op) {
    case 'and':
      return evaluate(node.left, obj, scope) && evaluate(node.right, obj, scope);
    case 'or':
      return evaluate(node.left, obj, scope) || evaluate(node.right, obj, scope);
    case 'not':
      return !evaluate(node.arg, obj, scope);
    case 'in':
      return node.values.some((v) => compare(resolve(node.prop), 'eq', v));
    case 'startswith':
      return String(resolve(node.prop) ?? '').toLowerCase().startsWith(node.value.toLowerCase());
    case 'endswith':
      return String(resolve(node.prop) ?? '').toLowerCase().endsWith(node.value.toLowerCase());
    case 'any': {
      const items = resolve(node.prop);
      return Array.isArray(items) && items.some((item) => evaluate(node.body, obj, { ...scope, [node.variable]: item }));
    }
    default:
      return compare(resolve(node.prop), node.op, node.value);
  }
}

function propsUsed(node: Node, out: string[] = []): string[] {
  switch (node.op) {
    case 'and':
    case 'or':
      propsUsed(node.left, out);
      propsUsed(node.right, out);
      break;
    case 'not':
      propsUsed(node.arg, out);
      break;
    case 'any':
      out.push(node.prop);
      break;
    default:
      out.push(node.prop.split('/')[0]);
  }
  return out;
}

export interface ListQuery {
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Path after /v1.0, for nextLink. */
  path: string;
  /** The context segment, e.g. "users" or "groups('id')/members". */
  contextPath: string;
}

const isEventual = (q: ListQuery) => (q.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';

/** Applies $select: only the asked properties (plus id), or the entity's defaults. */
export function selectProps(obj: Json, select: string | null, info: EntityInfo, extra: Json = {}): Json {
  const props = select ? parseSelect(select, info) : info.defaults;
  const out: Json = { ...extra };
  for (const p of props) out[p] = obj[p] ?? null;
  if (select && obj.id !== undefined) out.id = obj.id;
  return out;
}

export function parseSelect(select: string, info: EntityInfo): string[] {
  const props = select.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of props) {
    if (!info.all.includes(p)) throw badRequest(`Could not find a property named '${p}' on type 'microsoft.graph.${info.type}'.`);
  }
  return props;
}

/**
 * The first clause of `node` that needs advanced query parameters on this entity (beyond ne, not and
 * endswith, which the parser notes): `eq null` on any property, any operator on an advanced-only
 * property, a range comparison on a property without default range support. Lambda bodies (any())
 * are served by default.
 */
function advancedClause(node: Node, info: EntityInfo): { prop: string } | undefined {
  const rules = info.defaultQuery;
  if (!rules) return undefined;
  switch (node.op) {
    case 'and':
    case 'or':
      return advancedClause(node.left, info) ?? advancedClause(node.right, info);
    case 'not':
      return advancedClause(node.arg, info);
    case 'any':
      return undefined;
    default: {
      const prop = node.prop;
      const root = prop.split('/')[0];
      if (rules.advancedOnly.includes(root)) return { prop: root };
      if ((node.op === 'eq' || node.op === 'ne') && node.value === null) return { prop: root };
      if (node.op === 'in' && node.values.includes(null)) return { prop: root };
      if (['ge', 'le', 'gt', 'lt'].includes(node.op) && !rules.rangeByDefault.includes(prop)) return { prop: root };
      return undefined;
    }
  }
}

/** Filters, orders, selects and pages a directory collection as Graph does. */
export function listResponse(items: Json[], q: ListQuery, info: EntityInfo, maxTop = 999, defaultTop = 100): Json {
  const filter = q.query.get('$filter');
  const count = q.query.get('$count');
  const search = q.query.get('$search');
  const orderby = q.query.get('$orderby');
  const advancedUsed: string[] = [];
  let rows = items;
  // $count=true without ConsistencyLevel: eventual is ignored on directory objects (no
  // @odata.count, no error), as Graph does; other collections count without it.
  const advancedOk = count === 'true' && isEventual(q);
  const counting = count === 'true' && (isEventual(q) || !info.defaultQuery);
  let unsupportedProp: string | undefined;
  if (search) {
    if (!isEventual(q)) throw badRequest('Request with $search query parameter only works through MSGraph with a special request header: \'ConsistencyLevel: eventual\'', 'Request_UnsupportedQuery');
    const m = /^"([A-Za-z]+):([^"]*)"$/.exec(search.trim());
    if (!m) throw badRequest('Invalid search clause.');
    rows = rows.filter((r) => String(r[m[1]] ?? '').toLowerCase().split(/\s+/).some((w) => w.startsWith(m[2].toLowerCase())));
  }
  if (filter) {
    const parser = new Parser(filter);
    const node = parser.parse();
    for (const p of propsUsed(node)) {
      if (!info.all.includes(p)) throw badRequest(`Could not find a property named '${p}' on type 'microsoft.graph.${info.type}'.`);
    }
    advancedUsed.push(...parser.advanced);
    const clause = advancedClause(node, info);
    if (clause) {
      unsupportedProp = clause.prop;
      advancedUsed.push('property');
    }
    rows = rows.filter((r) => evaluate(node, r, {}));
  }
  if (orderby) {
    const [prop, dir] = orderby.trim().split(/\s+/);
    if (!info.all.includes(prop)) throw badRequest(`Could not find a property named '${prop}' on type 'microsoft.graph.${info.type}'.`);
    if (filter && !isEventual(q)) advancedUsed.push('orderby');
    if (info.defaultQuery && !info.defaultQuery.orderBy.includes(prop)) advancedUsed.push('orderby');
    const sign = dir?.toLowerCase() === 'desc' ? -1 : 1;
    rows = [...rows].sort((a, b) => sign * String(a[prop] ?? '').localeCompare(String(b[prop] ?? '')));
  }
  if (advancedUsed.length && !advancedOk && !info.plainQueries) {
    const what = advancedUsed[0];
    throw unsupportedQuery(
      what === 'orderby'
        ? 'Sorting not supported for current query.'
        : what === 'property'
          ? `Unsupported or invalid query filter clause specified for property '${unsupportedProp}' of resource '${info.type[0].toUpperCase()}${info.type.slice(1)}'.`
        : `Operator '${what}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    );
  }
  const topText = q.query.get('$top');
  const top = topText === null ? defaultTop : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > maxTop) {
    throw badRequest(`Invalid page size specified: '${topText}'. Must be between 1 and ${maxTop} inclusive.`);
  }
  const offset = decodeSkipToken(q.query.get('$skiptoken'));
  const page = rows.slice(offset, offset + top);
  const select = q.query.get('$select');
  const body: Json = {
    '@odata.context': `${GRAPH_BASE}/$metadata#${q.contextPath}${select ? `(${select})` : ''}`,
  };
  if (counting) body['@odata.count'] = rows.length;
  if (offset + top < rows.length) {
    const next = new URLSearchParams(q.query);
    next.delete('$skiptoken');
    next.set('$skiptoken', encodeSkipToken(offset + top));
    body['@odata.nextLink'] = `${GRAPH_BASE}${q.path}?${next.toString().replace(/%24/g, '$')}`;
  }
  body.value = page.map((r) => selectProps(r, select, info, r['@odata.type'] ? { '@odata.type': r['@odata.type'] } : {}));
  return body;
}

function encodeSkipToken(offset: number): string {
  return `RFNwdAIAAQAAA${Buffer.from(`offset:${offset}`).toString('base64url')}`;
}

function decodeSkipToken(token: string | null): number {
  if (!token) return 0;
  const m = /^RFNwdAIAAQAAA(.+)$/.exec(token);
  const n = m ? Number(/^offset:(\d+)$/.exec(Buffer.from(m[1], 'base64url').toString())?.[1]) : NaN;
  if (!Number.isInteger(n)) throw badRequest('Invalid $skiptoken value.', 'Directory_ExpiredPageToken');
  return n;
}
