// Shared settings, plus one build context of example-next per run (test/support/global-setup.ts).
module.exports = {
  ...require("../../jest.preset.js")(__dirname),
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
};
