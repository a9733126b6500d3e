import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateVapidKeys } from './vapid-keys';

describe('loadOrCreateVapidKeys', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tunet-vapid-'));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a key pair on first start and reuses it after', async () => {
    const dataDir = path.join(dir, '.data');

    const first = await loadOrCreateVapidKeys(dataDir);
    const again = await loadOrCreateVapidKeys(dataDir, 'mailto:styret@solbakken.test');

    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(again).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey, subject: 'mailto:styret@solbakken.test' });
    expect(first.subject).toBe('mailto:drift@tunet.localhost');
    expect(JSON.parse(await readFile(path.join(dataDir, 'vapid.json'), 'utf8'))).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey });
    expect((await stat(path.join(dataDir, 'vapid.json'))).mode & 0o777).toBe(0o600);
  });

  it('gives processes starting together the same pair', async () => {
    const pairs = await Promise.all([loadOrCreateVapidKeys(dir), loadOrCreateVapidKeys(dir), loadOrCreateVapidKeys(dir)]);

    expect(new Set(pairs.map((pair) => pair.publicKey)).size).toBe(1);
  });
});
