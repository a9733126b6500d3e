import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type ValidationRule } from 'graphql';

/**
 * PostgreSQL cannot store U+0000 in text, and no person types it: any string argument holding one is refused here,
 * once for every operation, instead of surfacing as an internal error from whichever subgraph writes it first.
 */
const NUL = '\u0000';
const MESSAGE = 'must not contain the NUL character (U+0000)';

/** Inline string literals, arguments' and variables' default values alike; the error names the argument path. */
export const nulCharactersRule: ValidationRule = (context) => ({
  StringValue(node, _key, parent, _path, ancestors) {
    if (!node.value.includes(NUL)) return;
    const field = argumentPath([...ancestors, parent]) ?? variableOfDefault([...ancestors, parent]);
    context.reportError(new GraphQLError(`${field ?? 'A string'} ${MESSAGE}`, { nodes: node, extensions: { field } }));
  },
});

/** Variables, nested objects and lists included; checked before the gateway plans anything. */
export const nulCharactersPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        for (const [name, value] of Object.entries(request.variables ?? {})) {
          const rest = nulPath(value);
          if (rest === null) continue;
          const field = `${argumentsOfVariables(document).get(name) ?? name}${rest}`;
          throw new GraphQLError(`${field} ${MESSAGE}`, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });
        }
      },
    };
  },
};

/**
 * Where in a variable's value the first string with a NUL is (`.tags[1].name`, '' for the value itself), or null.
 * Walked with a stack of its own, not by recursion: a 512 kB body can nest 250,000 levels deep.
 */
function nulPath(value: unknown): string | null {
  const stack: (readonly [unknown, string])[] = [[value, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, path] = next;
    if (typeof item === 'string' && item.includes(NUL)) return path;
    if (!item || typeof item !== 'object') continue;
    const children = Array.isArray(item)
      ? item.map((element, index) => [element, `${path}[${index}]`] as const)
      : Object.entries(item).map(([key, field]) => [field, `${path}.${key}`] as const);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return null;
}

/** The argument path each variable is first passed to (`$q` in `directory(filter: { search: $q })` → filter.search). */
export function argumentsOfVariables(document: DocumentNode): Map<string, string> {
  const paths = new Map<string, string>();
  visit(document, {
    Variable(node, _key, parent, _path, ancestors) {
      const path = argumentPath([...ancestors, parent]);
      if (path && !paths.has(node.name.value)) paths.set(node.name.value, path);
    },
  });
  return paths;
}

function argumentPath(ancestors: readonly unknown[]): string | null {
  const names = astNodes(ancestors)
    .filter((node) => node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD)
    .map((node) => (node as { name: { value: string } }).name.value);
  return names.join('.') || null;
}

function variableOfDefault(ancestors: readonly unknown[]): string | null {
  const definition = astNodes(ancestors).find((node) => node.kind === Kind.VARIABLE_DEFINITION);
  return definition?.kind === Kind.VARIABLE_DEFINITION ? definition.variable.name.value : null;
}

/** `visit` hands ancestors as a mix of nodes and the arrays holding them. */
function astNodes(ancestors: readonly unknown[]): ASTNode[] {
  return ancestors.filter((n): n is ASTNode => !Array.isArray(n) && typeof n === 'object' && n !== null && 'kind' in n);
}
