export { createPostsSubgraph, type PostsSubgraph } from './subgraph';
export { loadDemoPosts, type DemoAuthors } from './posts.demo';
export { FilesystemStorage, type FileStorage } from './files/storage';
