import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { EndpointTarget } from './push-endpoints';

export interface PinnedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An error answer is read for its reason only; a peer sending more does not fill the server's memory. */
const ANSWER_MAX_BYTES = 64 * 1024;

/** Agents that keep connections to the push services open between sends, one per scheme. */
export interface PinnedAgents {
  http: http.Agent;
  https: https.Agent;
}

export function pinnedAgents(): PinnedAgents {
  return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
}

/**
 * POSTs to the target's URL over a connection to the target's address: the host name still goes in the Host
 * header and TLS (server name, certificate check), but it is not looked up again, so a DNS answer that changed
 * since the address was checked cannot lead the request elsewhere. Redirects are answers like any other.
 */
export function pinnedPost(
  target: EndpointTarget,
  request: { headers: Record<string, string>; body: Buffer; timeoutMs: number },
  agents: PinnedAgents,
): Promise<PinnedAnswer> {
  const secure = target.url.protocol === 'https:';
  const pinned: LookupFunction = (_hostname, options, callback) => {
    // Node asks for every address when it races IPv4 against IPv6 (autoSelectFamily), for one otherwise.
    if (options.all)
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    const outgoing = (secure ? https : http).request(
      target.url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(request.body.length) },
        lookup: pinned,
        agent: secure ? agents.https : agents.http,
        signal: AbortSignal.timeout(request.timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= ANSWER_MAX_BYTES) chunks.push(chunk);
          else response.destroy();
        });
        const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.on('end', done);
        // Cut off after the limit: what was read is the answer.
        response.on('close', done);
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
