/**
 * The dashboard's entry point in the browser: starts the styles and renders the app into
 * `#app`. Bundled into `dashboard/dist/app.js` by `scripts/build_dashboard.ts`.
 *
 * @module
 */
import { render } from "preact";
import "uplot/dist/uPlot.min.css";
import { App } from "./components/app.tsx";
import { installStyles } from "./styles.ts";

installStyles();
render(<App />, document.getElementById("app")!);
