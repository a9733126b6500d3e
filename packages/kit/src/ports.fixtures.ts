import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Ports already handed out by this process, so two servers it starts never get the same one. */
const handedOut = new Set<number>();

/** The kernel's range for the local ports of outgoing connections (Linux; its usual default elsewhere). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/** The ports handed out: from 10000 to just below the ephemeral range, read once. */
const LOWEST = 10_000;
const HIGHEST = Math.min(ephemeralLow(), 32768) - 1;

/**
 * A loopback port nothing listens on, for a server a test or check starts later, picked below the kernel's ephemeral
 * range. A port the kernel hands out itself (`listen(0)`) is from that range, and until the server binds it any
 * outgoing connection (a database pool, a Redis reconnection, a load balancer's health check) may take it as its
 * local port: check:cluster's privacy-2 once failed to start with EADDRINUSE that way.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST}`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
