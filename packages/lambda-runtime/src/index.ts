export * from "./warm";
export * from "./secrets";
