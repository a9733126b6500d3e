import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, getIntrospectionQuery, GraphQLError, Kind, parse } from 'graphql';
import ts from 'typescript';
import { checkOperationLimits, OPERATION_LIMITS, parseWithinLimits, type OperationLimits } from './operation-limits';

const ROOT = path.resolve(__dirname, '../..');
const schema = buildSchema(readFileSync(path.join(ROOT, 'schema/supergraph.graphql'), 'utf8'), { assumeValidSDL: true });

/** The limit an operation breaks, or OK. */
function verdict(query: string, variables: Record<string, unknown> = {}, limits: OperationLimits = OPERATION_LIMITS): string {
  try {
    const document = parseWithinLimits(query, limits);
    if (!document) return 'SYNTAX';
    checkOperationLimits(schema, document, variables, limits);
    return 'OK';
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'QUERY_TOO_COMPLEX') return error.extensions.limit as string;
    throw error;
  }
}

/** The smallest cost limit an operation passes: its cost. */
function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const loose = { ...OPERATION_LIMITS, cost: 1e9 };
  let cost = 0;
  while (verdict(query, variables, { ...loose, cost }) === 'cost') cost++;
  return cost;
}

/** Every string (or concatenation of strings) in a TypeScript file that parses as a GraphQL operation. */
function operationsIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const textOf = (node: ts.Node): string | null => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    // Interpolations in operations are values (ids, e-mails) or repeated fragments of the tests' own attacks.
    if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span) => `x${span.literal.text}`).join('');
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const [left, right] = [textOf(node.left), textOf(node.right)];
      return left !== null && right !== null ? left + right : null;
    }
    return null;
  };
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const text = textOf(node);
    if (text !== null && text.includes('{')) {
      try {
        if (parse(text).definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION)) found.push(text);
      } catch {
        // not GraphQL
      }
    }
    if (text === null) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('operation limits', () => {
  it('let every operation the end-to-end tests and benchmarks send pass, except the attacks they send on purpose', () => {
    const files = [
      ...readdirSync(path.join(ROOT, 'test/e2e')).map((file) => path.join(ROOT, 'test/e2e', file)),
      ...readdirSync(path.join(ROOT, 'bench'))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => path.join(ROOT, 'bench', file)),
    ].filter((file) => !/operation-limits\.e2e|operation-attacks|gateway-limits\.bench/.test(file));
    const operations = files.flatMap(operationsIn);
    expect(operations.length).toBeGreaterThan(200);
    const refused = operations.map((query) => ({ query, verdict: verdict(query) })).filter((result) => result.verdict !== 'OK');
    expect(refused).toEqual([]);
  });

  it('let the standard introspection query pass (introspection is on in development)', () => {
    expect(verdict(getIntrospectionQuery())).toBe('OK');
  });

  it('count a page by its first, inline, from a variable or by default, and its nodes once', () => {
    expect(costOf('{ posts(first: 5) { nodes { id } } }')).toBe(1 + 5 * (1 + 1));
    expect(costOf('query ($n: Int) { posts(first: $n) { nodes { id } } }', { n: 50 })).toBe(1 + 50 * 2);
    expect(costOf('{ posts { nodes { id } } }')).toBe(1 + 20 * 2);
    expect(costOf('{ posts(first: 5) { nodes { reactions { count } } } }')).toBe(1 + 5 * (1 + (1 + 10 * 1)));
  });

  it('count a fragment as often as it is spread, and refuse a fragment bomb by cost in linear time', () => {
    expect(costOf('{ ...A ...A } fragment A on Query { me { id } }')).toBe(2 * 2);
    const bomb = ['query { ...F0 ...G0 }'];
    for (let i = 0; i < 40; i++) bomb.push(`fragment F${i} on Query { ...F${i + 1} ...G${i + 1} }`, `fragment G${i} on Query { ...F${i + 1} ...G${i + 1} }`);
    bomb.push('fragment F40 on Query { me { id } }', 'fragment G40 on Query { me { id } }');
    expect(verdict(bomb.join('\n'))).toBe('cost');
  });

  it('measure depth with fragments expanded, and leave fragment cycles to validation', () => {
    const tenures = (levels: number) => `me { ${'tenures { unit { '.repeat(levels)}id${' } }'.repeat(levels)} }`;
    expect(verdict(`{ ${tenures(4)} }`, {}, { ...OPERATION_LIMITS, cost: 1e9 })).toBe('OK');
    expect(verdict(`{ ...A } fragment A on Query { ${tenures(5)} }`, {}, { ...OPERATION_LIMITS, cost: 1e9 })).toBe('depth');
    expect(verdict('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')).toBe('OK');
  });

  it('refuse documents over the token limit, and leave syntax errors to Apollo Server', () => {
    expect(verdict(`{ me { ${'id '.repeat(1000)} } }`)).toBe('tokens');
    expect(verdict('{ me { id }')).toBe('SYNTAX');
  });
});
