import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FieldNode,
} from 'graphql';

/** How much one operation may ask for. Every operation the apps and tests send stays well inside (see 0016). */
export interface OperationLimits {
  /** Lexical tokens in the document; also bounds the parser's work and recursion. */
  tokens: number;
  /**
   * Nesting of fields, fragments expanded. Introspection (`__schema`, `__type` and below) does not count: it is
   * answered from the gateway's memory, and the standard introspection query nests 15 deep.
   */
  depth: number;
  /** Aliased fields, fragments expanded as often as they are spread. */
  aliases: number;
  /** Directives used, fragments expanded. */
  directives: number;
  /** Fields to resolve, each multiplied by the page sizes (`first`) and list sizes above it. */
  cost: number;
}

export const OPERATION_LIMITS: OperationLimits = { tokens: 1000, depth: 10, aliases: 30, directives: 20, cost: 10_000 };

/** A list without a `first` argument (a post's reactions, a building's units) is counted as this many items. */
export const UNPAGED_LIST_SIZE = 10;

export type LimitName = keyof OperationLimits;

const DESCRIPTIONS: Record<LimitName, string> = {
  tokens: 'it is longer than',
  depth: 'its fields nest deeper than',
  aliases: 'it has more aliased fields than',
  directives: 'it uses more directives than',
  cost: 'its cost (fields times the page and list sizes above them) is over',
};

/** HTTP 400 with QUERY_TOO_COMPLEX, which limit and its maximum: the operation is refused before it is planned. */
export function operationTooComplex(limit: LimitName, limits: OperationLimits): GraphQLError {
  const maximum = limits[limit];
  return new GraphQLError(
    `The operation is too large to run: ${DESCRIPTIONS[limit]} ${maximum}${limit === 'tokens' ? ' tokens' : ''}. ` +
      'Ask for fewer fields, smaller pages or split it into several operations.',
    { extensions: { code: 'QUERY_TOO_COMPLEX', limit, maximum, http: { status: 400 } } },
  );
}

class LimitExceeded extends Error {
  constructor(readonly limit: LimitName) {
    super(limit);
  }
}

/**
 * The document when it parses within the token limit; null when it has a syntax error, which is left to Apollo
 * Server to report (HTTP 400, GRAPHQL_PARSE_FAILED). Throws QUERY_TOO_COMPLEX over the token limit.
 */
export function parseWithinLimits(query: string, limits: OperationLimits = OPERATION_LIMITS): DocumentNode | null {
  try {
    return parse(query, { maxTokens: limits.tokens, noLocation: true });
  } catch (error) {
    if (error instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(error.message)) throw operationTooComplex('tokens', limits);
    if (error instanceof RangeError) throw operationTooComplex('depth', limits);
    return null;
  }
}

/**
 * Throws QUERY_TOO_COMPLEX when an operation of the document exceeds a limit. Linear in the document's size per
 * operation: each fragment is measured once and then counted as often as it is spread, so a document of doubly spread fragments
 * that would expand to millions of fields is refused in microseconds. Unknown fields and fragments are measured as
 * leaves and left to validation, which runs after this.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  limits: OperationLimits = OPERATION_LIMITS,
): void {
  try {
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const meter = new Meter(schema, document, { ...variableDefaults(definition), ...variables }, limits);
      const root = schema.getRootType(definition.operation) ?? undefined;
      const measured = meter.selectionSet(definition.selectionSet, root, 0);
      meter.enforce({ ...measured, directives: measured.directives + (definition.directives?.length ?? 0) });
    }
  } catch (error) {
    if (error instanceof LimitExceeded) throw operationTooComplex(error.limit, limits);
    throw error;
  }
}

/** A variable the request leaves out takes its default (`$n: Int = 100`), and so does the page size it is passed to. */
function variableDefaults(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const { variable, defaultValue } of operation.variableDefinitions ?? []) {
    if (defaultValue) defaults[variable.name.value] = valueFromASTUntyped(defaultValue);
  }
  return defaults;
}

/** What a selection set asks for, per one of its parent object. */
interface Measure {
  /** Deepest field nesting below, counting its own fields as 1. */
  depth: number;
  aliases: number;
  directives: number;
  cost: number;
}

const NOTHING: Measure = { depth: 0, aliases: 0, directives: 0, cost: 0 };

class Meter {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly measured = new Map<string, Measure>();
  private readonly measuring = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
    private readonly limits: OperationLimits,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  enforce(measure: Measure): void {
    if (measure.aliases > this.limits.aliases) throw new LimitExceeded('aliases');
    if (measure.directives > this.limits.directives) throw new LimitExceeded('directives');
    if (measure.cost > this.limits.cost) throw new LimitExceeded('cost');
  }

  /** `level` is how deep the selection set sits in the operation, so depth is refused before recursing further. */
  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | undefined, level: number): Measure {
    let total = NOTHING;
    for (const selection of selectionSet.selections) {
      let measure: Measure;
      if (selection.kind === Kind.FIELD) measure = this.field(selection, parent, level);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.compositeType(selection.typeCondition.name.value) : parent;
        measure = this.selectionSet(selection.selectionSet, type, level);
      } else measure = this.fragment(selection.name.value, level);
      total = add(total, { ...measure, directives: measure.directives + (selection.directives?.length ?? 0) });
      // Checked as we go, so a huge selection set stops at the first field over a limit.
      this.enforce(total);
    }
    return total;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType | undefined, level: number): Measure {
    const nesting = isIntrospection(node.name.value, parent) ? 0 : 1;
    if (level + nesting > this.limits.depth) throw new LimitExceeded('depth');
    const aliases = node.alias ? 1 : 0;
    if (!node.selectionSet) return { depth: nesting, aliases, directives: 0, cost: 1 };
    const definition = this.fieldDefinition(node.name.value, parent);
    const type = definition ? getNamedType(definition.type) : undefined;
    const children = this.selectionSet(node.selectionSet, type && isCompositeType(type) ? type : undefined, level + nesting);
    const items = nesting && definition && parent ? this.listSize(node, definition, parent.name) : 1;
    return {
      depth: nesting + children.depth,
      aliases: aliases + children.aliases,
      directives: children.directives,
      cost: 1 + items * children.cost,
    };
  }

  private fieldDefinition(name: string, parent: GraphQLCompositeType | undefined): GraphQLField<unknown, unknown> | undefined {
    if (parent && parent === this.schema.getQueryType()) {
      if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
      if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
    }
    return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
  }

  /** A fragment is measured once; a spread within its own expansion (a cycle) counts as nothing: validation refuses it. */
  private fragment(name: string, level: number): Measure {
    const known = this.measured.get(name);
    if (known) {
      if (level + known.depth > this.limits.depth) throw new LimitExceeded('depth');
      return known;
    }
    const fragment = this.fragments.get(name);
    if (!fragment || this.measuring.has(name)) return NOTHING;
    this.measuring.add(name);
    const measure = this.selectionSet(fragment.selectionSet, this.compositeType(fragment.typeCondition.name.value), level);
    this.measuring.delete(name);
    const withOwn = { ...measure, directives: measure.directives + (fragment.directives?.length ?? 0) };
    this.measured.set(name, withOwn);
    return withOwn;
  }

  /**
   * A page's size is its `first` (inline, from a variable or the schema's default); a connection's `nodes` are that
   * page. Other lists of objects count as UNPAGED_LIST_SIZE items; single objects and scalars as one.
   */
  private listSize(node: FieldNode, definition: GraphQLField<unknown, unknown>, parentName: string): number {
    const first = definition.args.find((argument) => argument.name === 'first');
    if (first) return this.intArgument(node, 'first') ?? (typeof first.defaultValue === 'number' ? first.defaultValue : 1);
    if (parentName.endsWith('Connection') && node.name.value === 'nodes') return 1;
    const type = isNonNullType(definition.type) ? definition.type.ofType : definition.type;
    return isListType(type) ? UNPAGED_LIST_SIZE : 1;
  }

  private intArgument(node: FieldNode, name: string): number | null {
    const value = node.arguments?.find((argument) => argument.name.value === name)?.value;
    if (value?.kind === Kind.INT) return Math.max(1, Number(value.value));
    if (value?.kind === Kind.VARIABLE) {
      const given = this.variables[value.name.value];
      if (typeof given === 'number' && Number.isFinite(given)) return Math.max(1, given);
    }
    return null;
  }

  private compositeType(name: string): GraphQLCompositeType | undefined {
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : undefined;
  }
}

/** Introspection is answered from the gateway's memory: its nesting and lists are not the subgraphs' work. */
function isIntrospection(field: string, parent: GraphQLCompositeType | undefined): boolean {
  return field.startsWith('__') || parent?.name.startsWith('__') === true;
}

function add(a: Measure, b: Measure): Measure {
  return {
    depth: Math.max(a.depth, b.depth),
    aliases: a.aliases + b.aliases,
    directives: a.directives + b.directives,
    cost: a.cost + b.cost,
  };
}
