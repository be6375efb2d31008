// The client and the server share the shapes of pinsight's requests (protocol/requests.ts, types
// only); this checks that each side uses them: the names agree, and what the server sends is the
// protocol's result. The type assertions fail `npm run typecheck`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from '../../client/protocol.js';
import type * as protocol from '../../protocol/requests.js';
import * as server from '../../server/lsp/custom-requests.js';

// Compile-time: every server result is a protocol result, and the client asks for the protocol's names.
type Fits<Server, Client> = Server extends Client ? true : false;
const simulateFits: Fits<ReturnType<typeof server.simulateAt>, protocol.SimulateResult | null> = true;
const namesFit: Fits<typeof client.SIMULATE_REQUEST | typeof client.TARGET_KERNEL_REQUEST, protocol.SimulateMethod | protocol.TargetKernelMethod> = true;

test('client and server agree on the request names and result shapes', () => {
  assert.equal(client.SIMULATE_REQUEST, server.SIMULATE_REQUEST);
  assert.equal(client.TARGET_KERNEL_REQUEST, server.TARGET_KERNEL_REQUEST);
  assert.ok(simulateFits && namesFit);
});
