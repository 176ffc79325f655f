import schemaJson from '../../../media/smoe.schema.json';

/** The subset of JSON Schema that media/smoe.schema.json uses. */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  required?: string[];
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  pattern?: string;
  oneOf?: SchemaNode[];
  default?: unknown;
  description?: string;
  /** The same text for VS Code's hovers, rendered as markdown (`code` shows as code, not as backticks). */
  markdownDescription?: string;
}

/** The shipped experiment schema: the single source of truth for fields, defaults and limits. */
export const experimentSchema = schemaJson as unknown as SchemaNode;

/** The schema node at a property path (`['training', 'learningRate']`), if the schema defines one. */
export function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = experimentSchema;
  for (const key of path) {
    if (!node) return undefined;
    if (typeof key === 'number') node = node.items;
    else node = node.properties?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return node;
}
