// Colours from VS Code's theme variables, read when drawing so a theme switch shows on the next render.
const SERIES_VARIABLES = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACK_SERIES = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

function cssVariable(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

export interface ThemeColours {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  series: string[];
}

export function themeColours(): ThemeColours {
  return {
    foreground: cssVariable('--vscode-charts-foreground', cssVariable('--vscode-foreground', '#cccccc')),
    muted: cssVariable('--vscode-descriptionForeground', '#999999'),
    grid: cssVariable('--vscode-charts-lines', 'rgba(128,128,128,0.3)'),
    background: cssVariable('--vscode-editor-background', '#1e1e1e'),
    series: SERIES_VARIABLES.map((name, i) => cssVariable(name, FALLBACK_SERIES[i])),
  };
}

/** The theme's chart colours; past the six of them, the same hues again, lighter (seven module types need seven). */
export function seriesColour(colours: ThemeColours, index: number): string {
  const base = colours.series[index % colours.series.length];
  const round = Math.floor(index / colours.series.length);
  return round === 0 ? base : withAlpha(base, Math.max(0.3, 1 - 0.45 * round));
}

/** `colour` at `alpha` (hex #rgb/#rrggbb or rgb()/rgba() as VS Code writes them). */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d) : [hex[1].slice(0, 2), hex[1].slice(2, 4), hex[1].slice(4, 6)];
    const [r, g, b] = digits.map((d) => parseInt(d, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(colour);
  return rgb ? `rgba(${rgb[1].trim()}, ${rgb[2].trim()}, ${rgb[3].trim()}, ${alpha})` : colour;
}
