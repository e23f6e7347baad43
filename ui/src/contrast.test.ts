// @vitest-environment node
/**
 * Checks the colour pairs of app.css against WCAG 2.2 AA: 4.5:1 for text, 3:1 for the edges of
 * controls and the focus ring. The pairs are listed by hand, as the style sheet uses them.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

// Read from disk: Vitest empties style sheets that tests import, even as `?raw`.
const css = readFileSync(new URL('./app.css', import.meta.url), 'utf8');

/** The custom properties of :root, e.g. `text` → `#0b1f33`. */
function palette(source: string): Map<string, string> {
  const colours = new Map<string, string>();
  for (const match of source.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\b/gi)) {
    colours.set(match[1]!, match[2]!.toLowerCase());
  }
  return colours;
}

/** Relative luminance as WCAG defines it. */
function luminance(hex: string): number {
  const [red, green, blue] = [1, 3, 5].map((start) => {
    const channel = parseInt(hex.slice(start, start + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * red! + 0.7152 * green! + 0.0722 * blue!;
}

function contrast(first: string, second: string): number {
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (lighter! + 0.05) / (darker! + 0.05);
}

const colours = palette(css);

function colour(name: string): string {
  const value = colours.get(name);
  if (!value) throw new Error(`app.css defines no --${name}`);
  return value;
}

const STATUSES = ['accepted', 'in_progress', 'needs_info', 'approved', 'rejected'];

/** Text colour on background colour, as the components combine them. */
const TEXT_PAIRS: Array<[string, string]> = [
  ...['page', 'surface', 'surface-muted', 'info-bg'].flatMap(
    (background): Array<[string, string]> => [
      ['text', background],
      ['text-muted', background],
      ['primary', background],
      ['primary-hover', background],
    ],
  ),
  ['on-primary', 'primary'],
  ['on-primary', 'primary-hover'],
  ['info-fg', 'info-bg'],
  ['warning-fg', 'warning-bg'],
  ['error-fg', 'error-bg'],
  ['error-fg', 'surface'],
  ['info-fg', 'surface'],
  ['success-fg', 'surface'],
  ['danger', 'surface'],
  ['danger', 'error-bg'],
  ['on-danger', 'danger'],
  ['on-danger', 'danger-hover'],
  ['success-fg', 'success-bg'],
  ...STATUSES.map((status): [string, string] => [`badge-${status}-fg`, `badge-${status}-bg`]),
];

/** Edges that identify a control, and the focus ring, against what surrounds them. */
const NON_TEXT_PAIRS: Array<[string, string]> = [
  ['border-strong', 'surface'],
  ['error-border', 'surface'],
  ['primary', 'border'],
  ['focus', 'surface'],
  ['focus', 'page'],
  ['focus-halo', 'primary'],
  // The undo toast is dark: the focus ring's halo is what shows there.
  ['focus-halo', 'text'],
];

describe('app.css colours', () => {
  it.each(TEXT_PAIRS)('--%s on --%s is readable text (4.5:1)', (foreground, background) => {
    expect(contrast(colour(foreground), colour(background))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(NON_TEXT_PAIRS)('--%s against --%s is visible (3:1)', (foreground, background) => {
    expect(contrast(colour(foreground), colour(background))).toBeGreaterThanOrEqual(3);
  });

  it('gives every status a badge', () => {
    for (const status of STATUSES) {
      expect(colours.has(`badge-${status}-bg`), status).toBe(true);
      expect(colours.has(`badge-${status}-fg`), status).toBe(true);
    }
  });

  it('computes contrast as WCAG does', () => {
    // The reference values: black on white is 21:1, and WCAG's own example grey #777 is 4.48:1.
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
