import assert from 'node:assert/strict';

/** The demo people check:cluster acts as (scripts/cluster-topology.ts loads the demo data). */
export const PASSWORD = 'solbakken-demo';
export const BOARD = 'kari@solbakken.example';
export const RESIDENT = 'ola@solbakken.example';

export interface Answer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<Answer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer<T>, 'status'>) };
}

export async function accessToken(url: string, email: string): Promise<string> {
  const answer = await gql<{ login: { accessToken: string } }>(url, 'mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', {
    i: { email, password: PASSWORD },
  });
  assert.ok(answer.data?.login.accessToken, `login of ${email}: ${JSON.stringify(answer)}`);
  return answer.data.login.accessToken;
}

export async function withTimeout<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
