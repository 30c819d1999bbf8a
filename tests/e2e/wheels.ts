// Stand-in wheels of the distributions the GPU stacks install, served as loopback indexes (the modules are in wheels/).
export { mirrorProfile, serveIndexes } from './wheels/indexes.js';
