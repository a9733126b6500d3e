import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { PushEndpointRules } from '../config';
import { isPublicAddress } from './public-address';

/**
 * The push services of the browsers in use: Chrome, Opera, Samsung Internet and Brave (Firebase), Firefox
 * (Mozilla), Safari (Apple), Edge (Windows Push Notification Services).
 */
export const KNOWN_PUSH_SERVICES: readonly string[] = ['fcm.googleapis.com', '*.push.services.mozilla.com', '*.push.apple.com', '*.notify.windows.com'];

/** Real endpoints are a few hundred characters; the limit leaves room without storing whatever is sent. */
export const ENDPOINT_MAX_CHARS = 1000;

export const DEFAULT_ENDPOINT_RULES: PushEndpointRules = {
  hosts: KNOWN_PUSH_SERVICES,
  schemes: ['https:'],
  ports: [443],
  isAllowedAddress: isPublicAddress,
  resolve: (hostname) => lookup(hostname, { all: true, verbatim: true }),
};

/** Where to connect for an endpoint: the address checked, so that a second DNS answer cannot redirect it. */
export interface EndpointTarget {
  url: URL;
  address: string;
  family: number;
}

export type EndpointCheck = { ok: true; target: EndpointTarget } | { ok: false; reason: string; transient: boolean };

/**
 * Whether the server may post to a push subscription's endpoint (decision 0017). Checked when a browser registers
 * and again before every send: the connection then goes to the address this check approved.
 */
export class PushEndpointPolicy {
  readonly rules: PushEndpointRules;

  constructor(rules: Partial<PushEndpointRules> = {}) {
    this.rules = { ...DEFAULT_ENDPOINT_RULES, ...rules };
  }

  /** The endpoint as a URL when its form is acceptable, else why not. No I/O. */
  parse(endpoint: string): URL | string {
    if (endpoint.length > ENDPOINT_MAX_CHARS) return `must be at most ${ENDPOINT_MAX_CHARS} characters`;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'must be an absolute URL';
    }
    if (!this.rules.schemes.includes(url.protocol)) return `must be an ${this.rules.schemes.map((scheme) => scheme.replace(/:$/, '')).join(' or ')} URL`;
    if (url.username || url.password) return 'must not contain a user name or password';
    // The root's trailing dot names the same host: one spelling, so one subscription is one row at one service.
    if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (!this.rules.ports.includes(port)) return `must use port ${this.rules.ports.join(' or ')}`;
    if (!this.rules.hosts.some((pattern) => hostMatches(pattern, hostOf(url)))) return `${url.hostname} is not a known push service`;
    return url;
  }

  /** Parses the endpoint and resolves its host; every address must be allowed, and the first is the one to use. */
  async check(endpoint: string): Promise<EndpointCheck> {
    const url = this.parse(endpoint);
    if (typeof url === 'string') return { ok: false, reason: url, transient: false };
    const host = hostOf(url);
    let answers: readonly { address: string; family: number }[];
    if (isIP(host)) {
      answers = [{ address: host, family: isIP(host) }];
    } else {
      try {
        answers = await this.rules.resolve(host);
      } catch (error) {
        return { ok: false, reason: `${host} could not be looked up (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, transient: true };
      }
    }
    if (answers.length === 0) return { ok: false, reason: `${host} has no address`, transient: true };
    // One refused answer refuses them all: a name answering both public and private could be steered between them.
    const refused = answers.find((answer) => !this.rules.isAllowedAddress(answer.address));
    if (refused) return { ok: false, reason: `${refused.address} is not a public address`, transient: false };
    return { ok: true, target: { url, address: answers[0]!.address, family: answers[0]!.family } };
  }
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function hostMatches(pattern: string, host: string): boolean {
  const wanted = pattern.toLowerCase();
  if (wanted === '*') return true;
  if (wanted.startsWith('*.')) return host.endsWith(wanted.slice(1));
  return host === wanted;
}
