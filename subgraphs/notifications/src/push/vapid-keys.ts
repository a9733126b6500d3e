import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import webpush from 'web-push';
import type { WebPushConfig } from '../config';

const DEFAULT_SUBJECT = 'mailto:drift@tunet.localhost';

/**
 * VAPID keys for the embedded default (`npm start`), so Web Push works without configuration: generated on first
 * start into `<dataDir>/vapid.json` and reused after, since browsers' subscriptions are bound to the public key.
 * Production sets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY instead.
 */
export async function loadOrCreateVapidKeys(dataDir: string, subject = DEFAULT_SUBJECT): Promise<WebPushConfig> {
  const file = path.join(dataDir, 'vapid.json');
  const existing = await readKeys(file);
  if (existing) return { ...existing, subject };
  const keys = webpush.generateVAPIDKeys();
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process started at the same moment wrote its pair first: use that one, so both sign alike.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKeys(file);
    if (!winner) throw error;
    return { ...winner, subject };
  }
  return { ...keys, subject };
}

async function readKeys(file: string): Promise<{ publicKey: string; privateKey: string } | null> {
  try {
    const { publicKey, privateKey } = JSON.parse(await readFile(file, 'utf8')) as { publicKey: string; privateKey: string };
    return { publicKey, privateKey };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
