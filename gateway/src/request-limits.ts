import type { ApolloGateway } from '@apollo/gateway';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { GraphQLError, Kind, OperationTypeNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { checkOperationLimits, OPERATION_LIMITS, parseWithinLimits, type OperationLimits } from './operation-limits';

/** Every other operation fits: a 100,000-character article is at most about 400 kB of JSON. */
export const BODY_LIMIT_BYTES = 512 * 1024;
/** Members' own import limit (20 MB of CSV), which also admits files of about 14 MiB as base64. */
export const BULK_BODY_LIMIT_BYTES = 20 * 1024 * 1024;
/**
 * The mutations that carry data in bulk, and so may send more than BODY_LIMIT_BYTES: a phone's portrait (0047) and a
 * service request's photo (operations admits 10 MiB, 0041) too.
 */
export const BULK_MUTATIONS: ReadonlySet<string> = new Set(['importMembers', 'uploadFile', 'setMyPortrait', 'addServiceRequestPhoto']);

/**
 * The JSON body of `/graphql`: up to BODY_LIMIT_BYTES for everyone; up to BULK_BODY_LIMIT_BYTES only for a caller
 * `isSignedIn` accepts (checked before a byte of the body is read, so nobody can make the gateway parse 20 MB
 * anonymously) whose operation is a single bulk mutation. Everything else over the small limit is 413.
 */
export function graphqlBody(isSignedIn: (req: Request) => Promise<boolean>): RequestHandler {
  const small = express.json({ limit: BODY_LIMIT_BYTES });
  const bulk = express.json({ limit: BULK_BODY_LIMIT_BYTES });
  return (req, res, next) => {
    if (!(Number(req.get('content-length')) > BODY_LIMIT_BYTES)) return small(req, res, next);
    isSignedIn(req).then((signedIn) => {
      if (!signedIn) return refuseLargeBody(req, res);
      bulk(req, res, (error?: unknown) => {
        if (error) return next(error);
        if (!isBulkMutation(req.body)) return refuseLargeBody(req, res);
        next();
      });
    }, next);
  };
}

function refuseLargeBody(req: Request, res: Response): void {
  req.resume(); // what is left of the body is drained unread, so the client gets the answer
  res.status(413).json({
    errors: [
      {
        message:
          `The request body is larger than ${BODY_LIMIT_BYTES / 1024} kB. Only ${bulkMutationList()}, ` + 'alone in an operation and signed in, may send more.',
        extensions: { code: 'PAYLOAD_TOO_LARGE', maximum: BODY_LIMIT_BYTES },
      },
    ],
  });
}

/** "a, b, c and d": the bulk mutations as the 413 names them. */
export function bulkMutationList(): string {
  const names = [...BULK_MUTATIONS];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}

/** One mutation operation (fragments beside it allowed) whose only top-level field is a bulk mutation. */
export function isBulkMutation(body: unknown): boolean {
  const query = (body as { query?: unknown } | null)?.query;
  if (typeof query !== 'string') return false;
  try {
    const definitions = parseWithinLimits(query)?.definitions ?? [];
    const operations = definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION);
    const [definition, ...rest] = operations;
    if (rest.length > 0 || definition?.kind !== Kind.OPERATION_DEFINITION || definition.operation !== OperationTypeNode.MUTATION) return false;
    const [selection, ...others] = definition.selectionSet.selections;
    return others.length === 0 && selection?.kind === Kind.FIELD && BULK_MUTATIONS.has(selection.name.value);
  } catch {
    return false;
  }
}

/**
 * Applies the operation limits to a request before Apollo Server parses, validates or plans it: called first
 * thing in the context function, which Apollo Server runs before all three. Validation itself is a cost (graphql-js
 * took 0.3 s over 1,000 aliased `posts`), so the limits cannot be validation rules.
 */
export class OperationGuard {
  private schema: GraphQLSchema | null = null;

  constructor(private readonly limits: OperationLimits = OPERATION_LIMITS) {}

  /** The API schema is needed for list sizes; the gateway hands it over when it loads the supergraph. */
  watch(gateway: ApolloGateway): void {
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
      this.schema = apiSchema;
    });
  }

  /**
   * Throws QUERY_TOO_COMPLEX (HTTP 400). A request that is no GraphQL request is left to Apollo Server to refuse.
   * Returns the parsed document (null when there is none or it does not parse), for the caller limits to read.
   */
  check(req: Request, requestId: string): DocumentNode | null {
    const { query, variables } = operationOf(req);
    if (typeof query !== 'string') return null;
    try {
      const document = parseWithinLimits(query, this.limits);
      if (document && this.schema) checkOperationLimits(this.schema, document, variables, this.limits);
      return document;
    } catch (error) {
      if (error instanceof GraphQLError) (error.extensions as Record<string, unknown>).requestId = requestId;
      throw error;
    }
  }
}

/** POST carries the operation as JSON; GET in the query string, variables as JSON text. */
function operationOf(req: Request): { query: unknown; variables: Record<string, unknown> } {
  const source = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object' || Array.isArray(source)) return { query: undefined, variables: {} };
  let variables = source.variables;
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      variables = {};
    }
  }
  return { query: source.query, variables: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : {} };
}
