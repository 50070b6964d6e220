/**
 * A check of the dashboard's end-to-end tests: the classes on the page that no stylesheet rule
 * names.
 *
 * @module
 */
import type { Page } from "playwright-core";

/**
 * Classes on the page that no stylesheet rule names: a class twind does not know (a typo, or a
 * Tailwind class newer than twind's preset) leaves its element unstyled without any error.
 */
export async function unstyledClasses(page: Page): Promise<string[]> {
  return await page.evaluate(`(() => {
    const selectors = [];
    const walk = (rules) => {
      for (const rule of rules) {
        if (rule.selectorText) selectors.push(rule.selectorText.replace(/\\\\/g, ""));
        if (rule.cssRules) walk(rule.cssRules);
      }
    };
    for (const sheet of document.styleSheets) walk(sheet.cssRules);
    const all = selectors.join(" ");
    const used = new Set();
    for (const el of document.querySelectorAll("[class]")) {
      for (const c of el.classList) used.add(c);
    }
    // uPlot's own classes are styled by its stylesheet or used as hooks only.
    return [...used].filter((c) => !/^(u-|uplot)/.test(c) && !all.includes("." + c));
  })()`);
}
