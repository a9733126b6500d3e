import type { FileStorage, PrivacyExportAnswer } from '@tunet/kit';

/** File storage in memory, for tests that look at what was stored and deleted. */
export class MemoryStorage implements FileStorage {
  readonly objects = new Map<string, Buffer>();

  async put(key: string, body: Buffer): Promise<void> {
    this.objects.set(key, body);
  }

  async get(key: string): Promise<Buffer | null> {
    return this.objects.get(key) ?? null;
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

/** A members-like and a posts-like export answer about `memberId`, the posts one with an uploaded file. */
export function sampleAnswers(memberId: string, fileId: string): PrivacyExportAnswer[] {
  return [
    {
      subgraph: 'members',
      tables: { members: [{ id: memberId, name: 'Åse Ødegård', phone: '+4791234567', address: 'Storgata 1, 0155 Oslo' }], sessions: [] },
      files: [],
      receipt: [
        { table: 'members', action: 'exported', rows: 1, lawfulBasis: 'contract', keptUntil: null, note: null },
        { table: 'sessions', action: 'exported', rows: 0, lawfulBasis: 'contract', keptUntil: null, note: null },
      ],
    },
    {
      subgraph: 'posts',
      tables: { posts: [{ id: 'p1', body: '=cmd|"/c calc"!A1' }] },
      files: [{ fileId, name: '../../årsmøte.pdf', contentType: 'application/pdf', sizeBytes: 9 }],
      receipt: [{ table: 'posts', action: 'exported', rows: 1, lawfulBasis: 'legitimate_interest', keptUntil: '2031-12-31', note: 'Kept | with "pipes"' }],
    },
  ];
}
