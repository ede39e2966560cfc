/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/build/'],
  // Integration tests start Prosody, mediasoup workers and WebRTC peers.
  testTimeout: 60000,
  // @roamhq/wrtc 0.10 crashes (SIGSEGV in RTCAudioSource's finalizer) when Node
  // tears the environment down after a peer connection used a synthetic track;
  // process.exit skips that teardown. Open handles are still closed by each test.
  forceExit: true,
  globalSetup: './test/harness/globalSetup.ts',
  setupFiles: ['./test/harness/setupEnv.ts'],
};
