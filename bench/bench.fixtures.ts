import { UNREACHED_CALLER_LIMITS } from '@tunet/gateway';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { closeFastStore, DatabaseConnection, FilesystemStorage, generateSecrets, openFastStore, type FastStore } from '@tunet/kit';
import { startStack } from '@tunet/stack';

export interface BenchStack {
  database: DatabaseConnection;
  store: FastStore;
  gatewayUrl: string;
  /** Stops the stack and removes what it wrote. */
  close(): Promise<void>;
}

/**
 * The demo stack the gateway benches send their requests to: PGlite and the in-process store unless DATABASE_URL /
 * REDIS_URL are set, demo uploads in a throwaway directory (never ./.data), and caller limits nobody reaches: one
 * token sends thousands of requests a minute here, which decision 0053's per-caller limits would refuse 429.
 */
export async function openBenchStack(): Promise<BenchStack> {
  const database = await DatabaseConnection.open({ url: process.env.DATABASE_URL });
  const store = await openFastStore(process.env.REDIS_URL, `bench-${Date.now()}`);
  const filesDir = await mkdtemp(path.join(os.tmpdir(), 'tunet-bench-files-'));
  const stack = await startStack({
    database,
    store,
    secrets: await generateSecrets(),
    demoData: true,
    fileStorage: new FilesystemStorage(filesDir),
    callerLimits: UNREACHED_CALLER_LIMITS,
  });
  return {
    database,
    store,
    gatewayUrl: stack.gatewayUrl,
    async close() {
      await stack.stop();
      await rm(filesDir, { recursive: true, force: true });
      await database.close();
      await closeFastStore(store);
    },
  };
}
