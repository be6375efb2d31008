// Worker threads do not inherit tsx's loader hooks from --import: register its require hook here,
// then load the TypeScript worker.
require('tsx/cjs');
require('./engine-worker.ts');
