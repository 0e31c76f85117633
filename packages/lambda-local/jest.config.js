// Shared settings; the global setup builds dist/ first, because instances fork dist/lambda-host.js.
module.exports = {
  ...require("../../jest.preset.js")(__dirname),
  globalSetup: "<rootDir>/test/support/global-setup.ts",
};
