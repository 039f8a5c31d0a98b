/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Django serves the build through django-vite: entries are looked up in the
// manifest by their path relative to frontend/ (e.g. "src/pages/editor.tsx").
export default defineConfig({
  base: "/static/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    rollupOptions: {
      input: {
        pipelines: "src/pages/pipelines.tsx",
        editor: "src/pages/editor.tsx",
        dashboards: "src/pages/dashboards.tsx",
        dashboard: "src/pages/dashboard.tsx",
        transactions: "src/pages/transactions.tsx",
        monitoring: "src/pages/monitoring.tsx",
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
