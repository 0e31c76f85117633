export const APP_KINDS = ["nextjs", "django"] as const;
export type AppKind = (typeof APP_KINDS)[number];
