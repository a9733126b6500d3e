import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { TrustedDocuments, trustedDocumentsOnly } from './trusted-documents';

const ME = 'query Me { me { id } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const manifest = (operations: { id: string; name: string; type: string; body: string }[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});

describe('trusted documents', () => {
  const documents = TrustedDocuments.fromManifest(manifest([{ id: sha256(ME), name: 'Me', type: 'query', body: ME }]));
  let url: string;
  let close: () => void;

  beforeAll(async () => {
    const app = express();
    // What reaches Apollo Server after the allow-list: the request as it will be read.
    app.use('/graphql', express.json(), trustedDocumentsOnly(documents), (req, res) => {
      res.json({ method: req.method, body: req.method === 'GET' ? req.query : req.body });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    close = () => server.close();
  });
  afterAll(() => close());

  const post = (body: unknown, language = 'en') =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': language }, body: JSON.stringify(body) });

  it('fills in the listed document a client names by its hash, and drops the hash Apollo would refuse', async () => {
    const response = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(ME) } }, variables: {} });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: 'POST', body: { query: ME, variables: {} } });
  });

  it('passes a listed document sent as text, and a GET naming one by hash', async () => {
    expect((await post({ query: ME })).status).toBe(200);
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(ME) } });
    const response = await fetch(`${url}?extensions=${encodeURIComponent(extensions)}`);
    expect(await response.json()).toEqual({ method: 'GET', body: { query: ME } });
  });

  it('refuses any other document, an unknown hash, a hash that is not the text sent, and a batch, in the caller’s language', async () => {
    const refusals = [
      await post({ query: 'query Other { me { id name } }' }),
      await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('query X { me { id } }') } } }),
      await post({ query: 'query Other { me { id name } }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(ME) } } }),
      await post([{ query: ME }]),
      await post({}),
    ];
    for (const response of refusals) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: 'This operation is not on the list this API serves.', extensions: { code: 'FORBIDDEN', reason: 'OPERATION_NOT_TRUSTED' } }],
      });
    }
    const norwegian = await post({ query: '{ me { id } }' }, 'nb');
    expect(((await norwegian.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe(
      'Denne operasjonen står ikke på listen dette API-et svarer på.',
    );
  });

  it('refuses a manifest whose id is not the hash of its body', () => {
    expect(() => TrustedDocuments.fromManifest(manifest([{ id: sha256('query X { me { id } }'), name: 'Me', type: 'query', body: ME }]))).toThrow(
      /not the SHA-256/,
    );
  });
});
