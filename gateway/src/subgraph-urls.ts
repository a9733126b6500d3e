import type { Logger } from '@tunet/kit';

/**
 * Where the gateway sends each subgraph's part of a query: SUBGRAPH_<NAME>_URL, else the URL composed into the
 * supergraph (`http://localhost:400N/graphql`, right only for development). In production (NODE_ENV=production) a
 * missing variable would quietly send that subgraph's traffic to localhost, so the start is refused instead, naming
 * every variable still to set. Outside production, a configuration that sets some of the variables but not all is
 * most likely a mistake too: it starts, with a warning naming each subgraph left on its supergraph URL.
 */
export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv, supergraphSdl: string, logger?: Pick<Logger, 'warn'>): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const name = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key)?.[1]?.toLowerCase();
    if (!name || !value) continue;
    if (!/^https?:\/\/[^/]/.test(value) || !URL.canParse(value)) throw new Error(`${key} must be an http(s) URL, not "${value}"`);
    urls[name] = value;
  }
  const unset = subgraphNames(supergraphSdl).filter((name) => !urls[name]);
  if (env.NODE_ENV === 'production') {
    const missing = unset.map(variableFor);
    if (missing.length > 0) {
      throw new Error(
        `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: in production every subgraph's URL is configured ` +
          "explicitly (the supergraph's localhost URLs are for development)",
      );
    }
  } else if (unset.length > 0 && Object.keys(urls).length > 0) {
    const composed = supergraphUrls(supergraphSdl);
    const fallbacks = Object.fromEntries(unset.map((name) => [variableFor(name), composed[name]]));
    logger?.warn({ fallbacks }, `${Object.keys(fallbacks).join(', ')} not set: those subgraphs get the supergraph's URLs`);
  }
  return urls;
}

/** The subgraphs the composed supergraph routes to: its `join__Graph` values. */
export function subgraphNames(supergraphSdl: string): string[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1]!);
}

/** Each subgraph's URL as composed into the supergraph (`http://localhost:400N/graphql`). */
function supergraphUrls(supergraphSdl: string): Record<string, string> {
  return Object.fromEntries([...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

function variableFor(name: string): string {
  return `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
