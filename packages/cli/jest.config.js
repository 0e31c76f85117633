// Shared settings, plus one moto server (a local AWS API) per test run: test/support/global-setup.ts
// starts it on 127.0.0.1 and points the AWS SDK at it; global-teardown.ts stops it.
module.exports = {
  ...require("../../jest.preset.js")(__dirname),
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
};
