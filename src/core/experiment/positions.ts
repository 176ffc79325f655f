import { findNodeAtLocation, getNodeValue, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath } from './validate';

/** A span of the experiment text, in UTF-16 offsets (what VS Code's `positionAt` takes). */
export interface TextSpan {
  offset: number;
  length: number;
}

/** Which part of a property a problem points at. */
export type SpanTarget = 'key' | 'value' | 'property';

/** The experiment text parsed once, with positions; tolerant of syntax errors (the tree is partial). */
export interface ParsedExperimentText {
  text: string;
  tree: Node | undefined;
  value: unknown;
  syntaxErrors: ParseError[];
}

export const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

export function parseWithPositions(text: string): ParsedExperimentText {
  const syntaxErrors: ParseError[] = [];
  const tree = parseTree(text, syntaxErrors, JSONC_OPTIONS);
  return { text, tree, value: tree ? getNodeValue(tree) : undefined, syntaxErrors };
}

/** The node at a JSON path, if present. */
export function nodeAt(parsed: ParsedExperimentText, path: JsonPath): Node | undefined {
  return parsed.tree ? findNodeAtLocation(parsed.tree, path) : undefined;
}

function spanOf(node: Node): TextSpan {
  return { offset: node.offset, length: node.length };
}

function spanFor(node: Node, target: SpanTarget): TextSpan {
  const property = node.parent?.type === 'property' ? node.parent : undefined;
  if (!property) return spanOf(node);
  if (target === 'key') return spanOf(property.children![0]);
  if (target === 'property') return spanOf(property);
  return spanOf(node);
}

/**
 * The span of a JSON path: its key, its value or the whole property. A path that is absent resolves to
 * its nearest present ancestor's key (or the root's opening brace), so a problem always has a place.
 */
export function spanAt(parsed: ParsedExperimentText, path: JsonPath, target: SpanTarget = 'value'): TextSpan {
  for (let depth = path.length; depth > 0; depth--) {
    const node = nodeAt(parsed, path.slice(0, depth));
    if (node) return spanFor(node, depth === path.length ? target : 'key');
  }
  return parsed.tree ? { offset: parsed.tree.offset, length: 1 } : { offset: 0, length: 0 };
}
