// The client states the shapes of pinsight's requests itself (it may not import server code); this
// checks that what the server sends fits them. The type assertions fail `npm run typecheck`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from '../../client/protocol.js';
import * as server from '../../server/lsp/custom-requests.js';

// Compile-time: every server result is a client result.
type Fits<Server, Client> = Server extends Client ? true : false;
const simulateFits: Fits<server.SimulateResult, client.SimulateResult> = true;
const kernelFits: Fits<server.TargetKernelResult, client.TargetKernelResult> = true;

test('client and server agree on the request names and result shapes', () => {
  assert.equal(client.SIMULATE_REQUEST, server.SIMULATE_REQUEST);
  assert.equal(client.TARGET_KERNEL_REQUEST, server.TARGET_KERNEL_REQUEST);
  assert.ok(simulateFits && kernelFits);
});
