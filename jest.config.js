/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // isolatedModules: type checking is done once by `tsc --noEmit` in `npm test`.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json" }],
  },
  testTimeout: 120000,
  // Two cores: one worker per core keeps CPU-heavy engine tests from starving each other.
  maxWorkers: 2,
};
