import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/** The secrets that production takes from the environment, and the embedded default keeps on disk. */
export interface Secrets {
  /** PKCS#8 PEM of the ES256 key the members subgraph signs access tokens with. */
  jwtPrivateKey: string;
  /** SPKI PEM of the same key, which the gateway verifies access tokens with. */
  jwtPublicKey: string;
  /** Shared HMAC secret for gateway → subgraph request signatures. */
  internalSecret: string;
}

export async function generateSecrets(): Promise<Secrets> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    jwtPrivateKey: await exportPKCS8(privateKey),
    jwtPublicKey: await exportSPKI(publicKey),
    internalSecret: randomBytes(32).toString('hex'),
  };
}

/** Development keys for the embedded default: generated on first start, reused after, never for production. */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, 'dev-secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Secrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets = await generateSecrets();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Reads a required setting from the environment, failing start-up with a message that names it. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}; see the README's configuration table.`);
  return value;
}

/** PEM keys survive environment variables best with `\n` escapes; accept both forms. */
export function pemFromEnv(name: string): string {
  return requireEnv(name).replace(/\\n/g, '\n');
}
