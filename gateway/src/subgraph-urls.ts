/**
 * Where the gateway sends each subgraph's part of a query: SUBGRAPH_<NAME>_URL, else the URL composed into the
 * supergraph (`http://localhost:400N/graphql`, right only for development). In production (NODE_ENV=production) a
 * missing variable would quietly send that subgraph's traffic to localhost, so the start is refused instead, naming
 * every variable still to set.
 */
export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv, supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const name = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key)?.[1]?.toLowerCase();
    if (!name || !value) continue;
    if (!/^https?:\/\/[^/]/.test(value) || !URL.canParse(value)) throw new Error(`${key} must be an http(s) URL, not "${value}"`);
    urls[name] = value;
  }
  if (env.NODE_ENV === 'production') {
    const missing = subgraphNames(supergraphSdl)
      .filter((name) => !urls[name])
      .map(variableFor);
    if (missing.length > 0) {
      throw new Error(
        `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: in production every subgraph's URL is configured ` +
          "explicitly (the supergraph's localhost URLs are for development)",
      );
    }
  }
  return urls;
}

/** The subgraphs the composed supergraph routes to: its `join__Graph` values. */
export function subgraphNames(supergraphSdl: string): string[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((match) => match[1]!);
}

function variableFor(name: string): string {
  return `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}
