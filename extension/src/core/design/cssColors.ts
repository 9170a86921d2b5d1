/**
 * CSS colour values: finding the colours in a CSS value and normalizing them
 * (hex, rgb/hsl, named colours), and the saturation and lightness of a hex
 * colour. Its own file because both the usage statistics (`designStats.ts`)
 * and the token chooser (`designTokens.ts`) need it, and neither of them
 * imports the other.
 */

/** Common CSS named colours; a name counts as a colour only where a colour property expects one. */
const NAMED_COLORS: Record<string, string> = Object.fromEntries(
  ('white:fff black:000 red:f00 green:008000 blue:00f gray:808080 grey:808080 silver:c0c0c0 navy:000080 teal:008080 ' +
    'orange:ffa500 purple:800080 yellow:ff0 maroon:800000 olive:808000 lime:0f0 aqua:0ff cyan:0ff fuchsia:f0f magenta:f0f ' +
    'pink:ffc0cb gold:ffd700 indigo:4b0082 violet:ee82ee brown:a52a2a beige:f5f5dc ivory:fffff0 coral:ff7f50 crimson:dc143c ' +
    'salmon:fa8072 tomato:ff6347 khaki:f0e68c lavender:e6e6fa plum:dda0dd orchid:da70d6 tan:d2b48c turquoise:40e0d0 ' +
    'whitesmoke:f5f5f5 gainsboro:dcdcdc lightgray:d3d3d3 lightgrey:d3d3d3 darkgray:a9a9a9 darkgrey:a9a9a9 dimgray:696969 ' +
    'slategray:708090 steelblue:4682b4 royalblue:4169e1 dodgerblue:1e90ff skyblue:87ceeb midnightblue:191970 darkblue:00008b ' +
    'darkgreen:006400 forestgreen:228b22 seagreen:2e8b57 darkred:8b0000 firebrick:b22222 goldenrod:daa520 chocolate:d2691e ' +
    'sienna:a0522d rebeccapurple:663399 aliceblue:f0f8ff ghostwhite:f8f8ff snow:fffafa linen:faf0e6 mintcream:f5fffa')
    .split(' ')
    .map((pair) => pair.split(':') as [string, string])
    .map(([name, hex]) => [name, normalizeHex(hex)!]),
);

const COLOR_LITERAL = /#([0-9a-f]{3,8})\b|\b(rgba?|hsla?|hwb|oklch|oklab|lab|lch|color)\(([^()]*)\)|\b([a-z]+)\b/gi;
const COLOR_LITERAL_UNNAMED = /#([0-9a-f]{3,8})\b|\b(rgba?|hsla?|hwb|oklch|oklab|lab|lch|color)\(([^()]*)\)/gi;

/**
 * Colour values in a CSS value, normalized: `#rrggbb`, `#rrggbbaa` (hex with
 * alpha), `rgba(r, g, b, a)` for translucent rgb/hsl, other colour spaces as
 * written. Fully transparent colours are left out; names only when allowed.
 */
export function cssColorsIn(value: string, allowNamed: boolean): string[] {
  const colors: string[] = [];
  // Most values hold no colour: skip them before any regex work (a big page has tens of thousands).
  if (!allowNamed && !value.includes('#') && !value.includes('(')) return colors;
  const withoutUrls = value.includes('(') ? value.replace(/url\((?:[^()]|\([^()]*\))*\)/gi, ' ') : value;
  // exec on the shared pattern, not matchAll, which copies the pattern on every call.
  const pattern = allowNamed ? COLOR_LITERAL : COLOR_LITERAL_UNNAMED;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(withoutUrls); match !== null; match = pattern.exec(withoutUrls)) {
    const [, hex, fn, args, word] = match;
    const color =
      hex !== undefined ? normalizeHex(hex) : fn !== undefined ? normalizeColorFunction(fn.toLowerCase(), args!) : allowNamed ? (NAMED_COLORS[word!.toLowerCase()] ?? null) : null;
    if (color !== null) colors.push(color);
  }
  return colors;
}

// `\d+(\.\d+)?|\.\d+` accepts what `\d*\.?\d+` does, without the two ways of splitting a run of
// digits between `\d*` and `\d+` that made a long run quadratic to reject.
const NUMBER = String.raw`-?(?:\d+(?:\.\d+)?|\.\d+)`;
const COLOR_FUNCTION_PART = new RegExp(
  `^(${NUMBER}(%|deg|turn|rad)?|none|srgb|srgb-linear|display-p3|a98-rgb|prophoto-rgb|rec2020|xyz|xyz-d50|xyz-d65)$`,
  'i',
);
const RGB_HSL_PART = new RegExp(`^${NUMBER}(%|deg|turn|rad)?$`);

function normalizeHex(hex: string): string | null {
  if (![3, 4, 6, 8].includes(hex.length)) return null;
  const full = (hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex).toLowerCase();
  if (full.length === 8 && full.endsWith('ff')) return `#${full.slice(0, 6)}`;
  if (full.length === 8 && full.endsWith('00')) return null;
  return `#${full}`;
}

function normalizeColorFunction(fn: string, args: string): string | null {
  const parts = args.trim().split(/[\s,/]+/).filter((p) => p !== '');
  if (fn.startsWith('rgb') || fn.startsWith('hsl')) {
    if (parts.length < 3 || parts.some((p) => !RGB_HSL_PART.test(p))) return null;
    const alpha = parts[3] === undefined ? 1 : fraction(parts[3], 1);
    if (alpha <= 0) return null;
    const [r, g, b] = fn.startsWith('rgb')
      ? parts.slice(0, 3).map((p) => clampByte(p.endsWith('%') ? parseFloat(p) * 2.55 : parseFloat(p)))
      : hslToRgb(hue(parts[0]!), fraction(parts[1]!, 100), fraction(parts[2]!, 100));
    if (alpha >= 1) return `#${[r!, g!, b!].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    return `rgba(${r}, ${g}, ${b}, ${+alpha.toFixed(3)})`;
  }
  // Other colour spaces are kept as written, when every part is a number or a colour-space name.
  const plausible = parts.length >= 3 && parts.length <= 5 && parts.every((p) => COLOR_FUNCTION_PART.test(p));
  return plausible ? `${fn}(${parts.join(' ')})` : null;
}

/** A percentage or a plain number (on a scale where `plainMax` means 100%) as 0…1. */
function fraction(part: string, plainMax: number): number {
  const n = parseFloat(part);
  return Math.min(1, Math.max(0, part.endsWith('%') ? n / 100 : n / plainMax));
}

function hue(part: string): number {
  const n = parseFloat(part);
  const degrees = part.endsWith('turn') ? n * 360 : part.endsWith('rad') ? (n * 180) / Math.PI : n;
  return ((degrees % 360) + 360) % 360;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    return clampByte(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

function clampByte(n: number): number {
  return Math.round(Math.min(255, Math.max(0, n)));
}

/** Saturation and lightness (0…1) of an opaque `#rrggbb`, or null for anything else. */
export function hexSaturationLightness(value: string): { saturation: number; lightness: number } | null {
  if (!/^#[0-9a-f]{6}$/.test(value)) return null;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const saturation = max === min ? 0 : (max - min) / (1 - Math.abs(2 * lightness - 1));
  return { saturation, lightness };
}
