import type { ApolloServerPlugin } from '@apollo/server';
import { BASE_PLAN, errorReasons, featureNotSubscribed, hasFeature } from '@tunet/kit';
import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstArgumentNode,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { GatewayContext } from './signed-data-source';

/** The spec subgraphs link to declare `@requiresFeature` (docs/decisions/0031); any version 1.x. */
const FEATURE_SPEC = /^https:\/\/specs\.tunet\.no\/feature\/v1\.\d+$/;
const DIRECTIVE = '@requiresFeature';

/** What the supergraph says is paid: fields by `Type.field`, and types all of whose fields are. */
export interface FeatureGates {
  fields: ReadonlyMap<string, string>;
  types: ReadonlyMap<string, string>;
}

/** Reads `@requiresFeature` off the supergraph, under whatever name its `@link` imports it as. */
export function featureGatesOf(supergraphSdl: string): FeatureGates {
  const document = parse(supergraphSdl);
  const name = directiveName(document);
  const fields = new Map<string, string>();
  const types = new Map<string, string>();
  if (!name) return { fields, types };
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    const typeFeature = featureIn(definition.directives, name);
    if (typeFeature) types.set(definition.name.value, typeFeature);
    for (const field of definition.fields ?? []) {
      const feature = featureIn(field.directives, name);
      if (feature) fields.set(`${definition.name.value}.${field.name.value}`, feature);
    }
  }
  return { fields, types };
}

function directiveName(document: DocumentNode): string | null {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = argument(link.arguments, 'url');
      if (url?.kind !== Kind.STRING || !FEATURE_SPEC.test(url.value)) continue;
      const imports = argument(link.arguments, 'import');
      for (const imported of imports?.kind === Kind.LIST ? imports.values : []) {
        if (imported.kind === Kind.STRING && imported.value === DIRECTIVE) return DIRECTIVE.slice(1);
        if (imported.kind !== Kind.OBJECT) continue;
        const entry = new Map(imported.fields.map((field) => [field.name.value, field.value]));
        const importedName = entry.get('name');
        const as = entry.get('as');
        if (importedName?.kind === Kind.STRING && importedName.value === DIRECTIVE && as?.kind === Kind.STRING) return as.value.replace(/^@/, '');
      }
    }
  }
  return null;
}

function argument(args: readonly ConstArgumentNode[] | undefined, name: string) {
  return args?.find((arg) => arg.name.value === name)?.value;
}

function featureIn(directives: readonly ConstDirectiveNode[] | undefined, name: string): string | null {
  const directive = directives?.find((d) => d.name.value === name);
  const feature = directive ? argument(directive.arguments, 'feature') : undefined;
  return feature?.kind === Kind.STRING ? feature.value : null;
}

/**
 * The features the operation needs, in the order it first selects them: a field gated itself, on a gated type (or
 * through an interface of it that is gated), or returning a gated type. Every fragment the operation uses counts,
 * whether or not `@skip`/`@include` would leave it out: a refusal must not depend on variables' values.
 */
export function featuresSelected(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, gates: FeatureGates): string[] {
  const features = new Set<string>();
  if (gates.fields.size === 0 && gates.types.size === 0) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const node = pending.shift()!;
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          const definition = typeInfo.getFieldDef();
          if (!parent || !definition) return;
          const feature = fieldFeature(parent, field.name.value, gates) ?? gates.types.get(getNamedType(definition.type).name);
          if (feature) features.add(feature);
        },
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (fragment && !seen.has(fragment.name.value)) {
            seen.add(fragment.name.value);
            pending.push(fragment);
          }
        },
      }),
    );
  }
  return [...features];
}

function fieldFeature(parent: GraphQLNamedType, field: string, gates: FeatureGates): string | undefined {
  const owners = [parent, ...(isObjectType(parent) || isInterfaceType(parent) ? parent.getInterfaces() : [])];
  for (const owner of owners) {
    const feature = gates.fields.get(`${owner.name}.${field}`) ?? gates.types.get(owner.name);
    if (feature) return feature;
  }
  return undefined;
}

/**
 * Refuses, before any subgraph is asked, an operation that selects a paid field the viewer's association does not
 * subscribe to (FEATURE_NOT_SUBSCRIBED, HTTP 403, `extensions.feature`), or any paid field while billing cannot
 * say (SERVICE_UNAVAILABLE, HTTP 503): the base plan alone is known to be on. Viewers without an association
 * (anonymous, an operator outside a support session) pass: the subgraph refuses them as it always has.
 */
export function featureGatesPlugin(gates: FeatureGates): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, contextValue }) {
          const associationId = contextValue.viewer?.associationId;
          if (!operation || !associationId) return;
          for (const feature of featuresSelected(schema, document, operation, gates)) {
            if (feature === BASE_PLAN) continue;
            if (contextValue.entitlementsUnavailable) throw entitlementsUnknown();
            if (!hasFeature(contextValue, associationId, feature)) throw notSubscribed(feature);
          }
        },
      };
    },
  };
}

function notSubscribed(feature: string): GraphQLError {
  const error = featureNotSubscribed(feature) as GraphQLError;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 403 } } });
}

/** Nothing was refused: billing did not answer, so whether a paid feature is on is unknown for now. */
function entitlementsUnknown(): GraphQLError {
  return new GraphQLError(errorReasons.PAID_FEATURES_UNCHECKED.en(), {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      reason: 'PAID_FEATURES_UNCHECKED',
      serviceName: 'billing',
      http: { status: 503, headers: new Map([['retry-after', '5']]) },
    },
  });
}
