// ESLint for the front end (static/js, plain ES modules served as they are) and its node tests.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["static/pdfjs/**", "staticfiles/**", "node_modules/**", ".venv/**", "bench/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.browser },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
  },
];
