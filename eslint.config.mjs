// Shared lint rules for every TypeScript package; each package runs `eslint src test`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/cdktf.out/**", "**/node_modules/**", "**/.turbo/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // cdktf provider resources are only ever deep-imported: the package root loads 2,200 modules.
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message: "Import the resource by deep path: @cdktf/provider-aws/lib/<resource>.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests build deliberately broken configs, which no type describes.
    files: ["**/test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
