/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/build/'],
  // Integration tests start Prosody, mediasoup workers and WebRTC peers.
  testTimeout: 60000,
  globalSetup: './test/harness/globalSetup.ts',
  setupFiles: ['./test/harness/setupEnv.ts'],
};
