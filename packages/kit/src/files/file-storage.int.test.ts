import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileStorageFromEnv, FilesystemStorage, S3Storage, type FileStorage } from './file-storage';

const key = (variant = 'original') => `${randomUUID()}/${randomUUID()}/${variant}`;

/** What every storage must do, whatever is behind it. */
function behavesAsStorage(open: () => FileStorage) {
  it('gives back exactly the bytes it was given', async () => {
    const storage = open();
    const bytes = Buffer.from([0, 1, 2, 250, 255, ...Buffer.from('Årsmøte')]);
    const k = key();
    await storage.put(k, bytes, 'application/pdf');
    expect(await storage.get(k)).toEqual(bytes);
  });

  it('replaces what a key held', async () => {
    const storage = open();
    const k = key();
    await storage.put(k, Buffer.from('first'), 'text/plain');
    await storage.put(k, Buffer.from('second'), 'text/plain');
    expect((await storage.get(k))?.toString()).toBe('second');
  });

  it('answers null for a key never written or deleted, and deletes twice without complaint', async () => {
    const storage = open();
    const k = key('thumbnail');
    expect(await storage.get(k)).toBeNull();
    await storage.put(k, Buffer.from('x'), 'image/png');
    await storage.delete(k);
    await storage.delete(k);
    expect(await storage.get(k)).toBeNull();
  });

  it('refuses a key that could leave its place', async () => {
    const storage = open();
    await expect(storage.put('../../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow('invalid storage key');
    await expect(storage.get(`${randomUUID()}/../${randomUUID()}/original`)).rejects.toThrow('invalid storage key');
  });
}

describe('FilesystemStorage', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'tunet-files-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  behavesAsStorage(() => new FilesystemStorage(root));

  it('keeps files under its directory, one per key, leaving no partial files behind', async () => {
    const k = key();
    const storage: FileStorage = new FilesystemStorage(root);
    await storage.put(k, Buffer.from('hei'), 'text/plain');
    expect(await readFile(path.join(root, k), 'utf8')).toBe('hei');
    expect(await readdir(path.dirname(path.join(root, k)))).toEqual(['original']);
  });
});

/**
 * A small S3-compatible server speaking the object API (PUT, GET and DELETE of /<bucket>/<key>) the way MinIO
 * does, with path-style addressing. It checks that requests are signed with the configured access key; it does
 * not verify the signature itself.
 */
class TinyS3 {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  readonly requests: { method: string; path: string; authorization: string }[] = [];
  /** Set to make the next request fail as a server that denies access would. */
  denyNext = false;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req).then(({ status, body, headers }) => res.writeHead(status, headers).end(body)));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: Buffer | string; headers?: Record<string, string> }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const authorization = String(req.headers.authorization ?? '');
    const objectKey = decodeURIComponent(new URL(req.url ?? '/', 'http://s3').pathname);
    this.requests.push({ method: req.method ?? '', path: objectKey, authorization });
    if (!authorization.startsWith('AWS4-HMAC-SHA256 Credential=test-access-key/') || this.denyNext) {
      this.denyNext = false;
      return s3Error(403, 'AccessDenied');
    }
    if (!objectKey.startsWith('/tunet-files/')) return s3Error(404, 'NoSuchBucket');
    switch (req.method) {
      case 'PUT':
        this.objects.set(objectKey, { body: Buffer.concat(chunks), contentType: String(req.headers['content-type']) });
        return { status: 200, headers: { etag: '"1"' } };
      case 'GET': {
        const object = this.objects.get(objectKey);
        if (!object) return s3Error(404, 'NoSuchKey');
        return { status: 200, body: object.body, headers: { 'content-type': object.contentType, 'content-length': String(object.body.length) } };
      }
      case 'DELETE':
        this.objects.delete(objectKey);
        return { status: 204 };
      default:
        return s3Error(405, 'MethodNotAllowed');
    }
  }
}

function s3Error(status: number, code: string) {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message><RequestId>1</RequestId></Error>`,
  };
}

describe('S3Storage against an S3-compatible server', () => {
  const server = new TinyS3();
  let endpoint: string;
  beforeAll(async () => {
    endpoint = await server.start();
  });
  afterAll(() => server.stop());

  const open = () =>
    new S3Storage({
      bucket: 'tunet-files',
      endpoint,
      region: 'eu-north-1',
      credentials: { accessKeyId: 'test-access-key', secretAccessKey: 'test-secret' },
    });

  behavesAsStorage(open);

  it('addresses the bucket in the path, signs with the access key, and records the content type', async () => {
    const k = key();
    await open().put(k, Buffer.from('%PDF-1.4'), 'application/pdf');
    const put = server.requests.at(-1)!;
    expect(put).toMatchObject({ method: 'PUT', path: `/tunet-files/${k}` });
    expect(put.authorization).toContain('/eu-north-1/s3/aws4_request');
    expect(server.objects.get(`/tunet-files/${k}`)?.contentType).toBe('application/pdf');
  });

  it('fails when the server refuses, rather than taking it for a missing file', async () => {
    const storage = open();
    const k = key();
    await storage.put(k, Buffer.from('x'), 'text/plain');
    server.denyNext = true;
    await expect(storage.get(k)).rejects.toThrow();
  });
});

describe('fileStorageFromEnv', () => {
  it('keeps files under $TUNET_DATA_DIR/files by default', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tunet-data-'));
    try {
      const k = key();
      await fileStorageFromEnv({ TUNET_DATA_DIR: dataDir }).put(k, Buffer.from('hei'), 'text/plain');
      expect(await readFile(path.join(dataDir, 'files', k), 'utf8')).toBe('hei');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('uses the bucket, endpoint and keys the environment names for FILE_STORAGE=s3', async () => {
    const server = new TinyS3();
    const endpoint = await server.start();
    try {
      const storage = fileStorageFromEnv({
        FILE_STORAGE: 's3',
        S3_BUCKET: 'tunet-files',
        S3_ENDPOINT: endpoint,
        S3_REGION: 'eu-north-1',
        S3_ACCESS_KEY_ID: 'test-access-key',
        S3_SECRET_ACCESS_KEY: 'test-secret',
      });
      const k = key();
      await storage.put(k, Buffer.from('hei'), 'text/plain');
      expect(server.objects.get(`/tunet-files/${k}`)?.body.toString()).toBe('hei');
    } finally {
      await server.stop();
    }
  });

  it('refuses an unknown storage, and S3 without a bucket', () => {
    expect(() => fileStorageFromEnv({ FILE_STORAGE: 'ftp' })).toThrow('FILE_STORAGE must be fs or s3');
    expect(() => fileStorageFromEnv({ FILE_STORAGE: 's3' })).toThrow('S3_BUCKET');
  });
});
