/**
 * The ids the gateway's access-token keys go by (decision 0054). On the gateway JWT_KEY_ID names JWT_PUBLIC_KEY and
 * JWT_PREVIOUS_KEY_ID names JWT_PREVIOUS_PUBLIC_KEY; a key without an id goes by its thumbprint. Members signs with
 * JWT_KEY_ID as `kid`, so when a rotation moves the new key in, the id the old key signed with must move to
 * JWT_PREVIOUS_KEY_ID. With a configured current id, a previous key without one is almost certainly that step
 * forgotten (every token of the old key would be refused), so the gateway does not start.
 */
export function jwtKeyIdsFromEnv(env: NodeJS.ProcessEnv): { current: string | null; previous: string | null } {
  const current = env.JWT_KEY_ID || null;
  const previous = env.JWT_PREVIOUS_KEY_ID || null;
  if (current && env.JWT_PREVIOUS_PUBLIC_KEY && !previous) {
    throw new Error(
      'JWT_KEY_ID is set and so is JWT_PREVIOUS_PUBLIC_KEY, but not JWT_PREVIOUS_KEY_ID: set it to the id the previous key signed with ' +
        "(the old JWT_KEY_ID, or the thumbprint the gateway logged as that key's id) — see README, Rotating the access-token key",
    );
  }
  return { current, previous };
}
