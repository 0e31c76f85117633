export * from "./limits";
export * from "./naming";
