export { createPostsSubgraph, type PostsSubgraph } from './subgraph';
export { loadDemoPosts, type DemoAuthors } from './posts.demo';
