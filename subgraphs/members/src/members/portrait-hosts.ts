/**
 * A portrait is an image every reader's browser loads from wherever its address points, so an address on any host
 * would tell that host who looks at whom and when (decision 0020). Portraits come only from hosts the deployment
 * lists in PORTRAIT_HOSTS (its own image store, say); with none listed, no portrait address is accepted.
 */

/**
 * The comma-separated host names of PORTRAIT_HOSTS as a URL's `hostname` spells them (lower-case, punycode), so that
 * `bilder.bø.no` or a trailing dot in the setting still matches the addresses members give.
 */
export function parsePortraitHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((host) => host.trim().replace(/\.$/, ''))
    .filter((host) => host.length > 0)
    .map((host) => (URL.canParse(`https://${host}`) ? new URL(`https://${host}`).hostname : host.toLowerCase()));
}

/** An https address on exactly one of `hosts`: no other port, no credentials, no look-alike subdomain. */
export function portraitAllowed(address: string, hosts: readonly string[]): boolean {
  if (!URL.canParse(address)) return false;
  const url = new URL(address);
  return url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && hosts.includes(url.hostname);
}
