export { createPostsSubgraph, type PostsSubgraph } from './subgraph';
export { loadDemoPosts, type DemoAuthors } from './demo-data';
export { FilesystemStorage, type FileStorage } from './files/storage';
