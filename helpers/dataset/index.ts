export * from "./creditCard";
export * from "./frame";
export * from "./preprocess";
