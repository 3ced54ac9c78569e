import { FLOOR_PATTERN, FORMATS, MAX_STRING } from './formats.js';
import { topLevelSpecs, type KeySpec } from './keys.js';

type Json = { [k: string]: unknown };

function convert(spec: KeySpec): Json {
  const out: Json = { description: spec.doc + (spec.directive ? ` (keepalived/nginx: ${spec.directive})` : '') };
  if (spec.default !== undefined && typeof spec.default !== 'string') out.default = spec.default;
  else if (typeof spec.default === 'string' && spec.type === 'string') out.default = spec.default;
  switch (spec.type) {
    case 'string':
      out.type = 'string';
      if (spec.enum) out.enum = [...spec.enum];
      if (spec.pattern) out.pattern = spec.pattern;
      else if (spec.format) out.pattern = FORMATS[spec.format].pattern;
      else if (!spec.enum) out.pattern = FLOOR_PATTERN;
      // The floor every string passes (formats.ts); a pattern cannot say "no C1", maxLength can say the rest.
      if (!spec.enum) out.maxLength = (spec.format && FORMATS[spec.format].max) || MAX_STRING;
      break;
    case 'integer': case 'number':
      out.type = spec.type;
      if (spec.min !== undefined) out.minimum = spec.min;
      if (spec.max !== undefined) out.maximum = spec.max;
      break;
    case 'boolean': out.type = 'boolean'; break;
    case 'array': out.type = 'array'; out.items = convert(spec.items); break;
    case 'map': out.type = 'object'; out.additionalProperties = convert(spec.values); break;
    case 'object':
      out.type = 'object';
      out.properties = Object.fromEntries(Object.entries(spec.props).map(([k, v]) => [k, convert(v)]));
      if (spec.required?.length) out.required = [...spec.required];
      out.additionalProperties = false;
      break;
    case 'anyOf': out.anyOf = spec.options.map(convert); break;
  }
  return out;
}

/**
 * JSON Schema (draft 2020-12) of a group_vars/host_vars file, generated from the key table.
 * Other variables are allowed (an inventory holds more than hafleet's), so the top level is open.
 */
export function toJsonSchema(): Json {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://hafleet.invalid/schema/inventory.schema.json',
    title: 'hafleet inventory variables',
    description: 'Variables hafleet reads from group_vars/ and host_vars/ files (docs/reference.md).',
    type: 'object',
    properties: Object.fromEntries(Object.entries(topLevelSpecs).map(([k, v]) => [k, convert(v)])),
    additionalProperties: true,
  };
}
