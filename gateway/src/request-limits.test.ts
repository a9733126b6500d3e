import { BULK_MUTATIONS, bulkMutationList, isBulkMutation } from './request-limits';

describe('which operations may send a bulk body', () => {
  it('admits one bulk mutation with fragments beside it, still one operation with one top-level field', () => {
    const withFragment = {
      query: 'mutation Upload($i: UploadFileInput!) { uploadFile(input: $i) { file { ...FileParts } } } fragment FileParts on File { id name }',
    };
    expect(isBulkMutation(withFragment)).toBe(true);
    expect(isBulkMutation({ query: 'mutation ($i: UploadFileInput!) { uploadFile(input: $i) { file { id } } }' })).toBe(true);
    expect(isBulkMutation({ query: 'mutation { uploadFile(input: {}) { file { id } } createPost(input: {}) { post { id } } }' })).toBe(false);
    expect(isBulkMutation({ query: 'mutation A { uploadFile(input: {}) { file { id } } } mutation B { uploadFile(input: {}) { file { id } } }' })).toBe(false);
    expect(isBulkMutation({ query: 'mutation { ...M } fragment M on Mutation { uploadFile(input: {}) { file { id } } }' })).toBe(false);
    expect(isBulkMutation({ query: 'query { uploadFile { id } }' })).toBe(false);
    expect(isBulkMutation({ query: 'mutation { createPost(input: {}) { post { id } } }' })).toBe(false);
  });

  it("admits a service request's photo and names every bulk mutation in the 413 with commas", () => {
    expect(BULK_MUTATIONS.has('addServiceRequestPhoto')).toBe(true);
    expect(bulkMutationList()).toBe('importMembers, uploadFile, setMyPortrait and addServiceRequestPhoto');
  });
});
