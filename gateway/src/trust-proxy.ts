/**
 * TRUST_PROXY: `true`/`false`, a hop count, or addresses and subnets, as express `trust proxy` understands them. The
 * client address it gives is what per-network rate limits count (decision 0053). `true` trusts every hop, so a client
 * names its own address in X-Forwarded-For and escapes them: refused when NODE_ENV=production (give the hop count).
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): boolean | number | string {
  const value = env.TRUST_PROXY;
  if (!value || value === 'false') return false;
  if (value === 'true') {
    if (env.NODE_ENV === 'production') {
      throw new Error(
        'TRUST_PROXY=true trusts every X-Forwarded-For hop, so any client could choose the address its requests are limited by: ' +
          'set the number of proxies in front of the gateway (TRUST_PROXY=1 behind one load balancer) or their addresses',
      );
    }
    return true;
  }
  return /^\d+$/.test(value) ? Number(value) : value;
}
