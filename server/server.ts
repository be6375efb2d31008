// Entry point of dist/server.js (`pinsight-lsp`): the language server over stdio.
import { startServer } from './lsp/start.js';

startServer();
