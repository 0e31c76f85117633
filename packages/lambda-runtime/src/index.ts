export * from "./warm";
