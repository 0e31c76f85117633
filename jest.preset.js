// Shared jest settings: ts-jest transpiles only (isolatedModules in tsconfig.base.json; types are
// checked by `tsc` in build and lint), and every package writes a JSON report that
// scripts/test-all sums into one closing line.
const path = require("node:path");

module.exports = (packageDir) => ({
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  setupFilesAfterEnv: [path.join(__dirname, "jest.setup.js")],
  testTimeout: 60000,
  reporters: ["default", [path.join(__dirname, "scripts/jest-count-reporter.js"), { packageDir }]],
});
