/**
 * The dashboard's styles: twind (Tailwind's classes, generated in the browser as components use
 * them), dark mode following the system (`prefers-color-scheme`), and the class strings the
 * components share.
 *
 * @module
 */
import { defineConfig, install } from "@twind/core";
import presetTailwind from "@twind/preset-tailwind";

/** The twind configuration: Tailwind's preset, dark mode from the system. */
export const twindConfig = defineConfig({
  presets: [presetTailwind()],
  darkMode: "media",
  hash: false,
  theme: {
    extend: {
      fontFamily: {
        sans: [
          "system-ui",
          "-apple-system",
          "Segoe UI",
          "Roboto",
          "Ubuntu",
          "Cantarell",
          "Noto Sans",
          "sans-serif",
        ],
      },
    },
  },
});

/** Starts twind on the page (call once, before rendering). */
export function installStyles(): void {
  install(twindConfig, true);
}

/** Keyboard focus ring. */
export const focusRing =
  "focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500";

/** A panel. */
export const cardClass =
  "rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-800 sm:p-5";

/** Text inputs, selects and text areas. */
export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 placeholder-slate-400 shadow-sm dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/40 disabled:opacity-60";

/** Muted text colour (sizes are set where it is used). */
export const mutedClass = "text-slate-500 dark:text-slate-400";
