/**
 * Whether the system asks for dark colours (`prefers-color-scheme: dark`), kept up to date.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";

const QUERY = "(prefers-color-scheme: dark)";

/** True while the system prefers dark colours. */
export function useDarkMode(): boolean {
  const media = typeof matchMedia === "function" ? matchMedia(QUERY) : undefined;
  const [dark, setDark] = useState(media?.matches ?? false);
  useEffect(() => {
    if (!media) return;
    const change = () => setDark(media.matches);
    media.addEventListener("change", change);
    return () => media.removeEventListener("change", change);
  }, []);
  return dark;
}
