// Kabinet is a single-page app inside Tauri's webview: nothing renders on a server, and the
// adapter's fallback page serves every route.
export const ssr = false;
export const prerender = false;
