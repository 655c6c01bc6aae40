/**
 * Values of a CloudFormation template as far as the simulator can know them before deployment: literals,
 * parameters with a default, pseudo parameters of the stack's environment, and the intrinsic functions that
 * only combine those (`Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`). A reference to a resource resolves only
 * through `standIn` (the simulator's local stand-in for it, such as a bucket name).
 */

/** A resolved value, or why it cannot be known before deployment. */
export type Resolved = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly why: string };

/** What resolution reads. */
export interface ResolveContext {
  readonly resources: Readonly<Record<string, { Type?: string; Properties?: Record<string, unknown> }>>;
  readonly parameters: Readonly<Record<string, { Type?: string; Default?: unknown }>>;
  /** AWS::Region, AWS::AccountId, AWS::Partition, AWS::StackName, AWS::URLSuffix. */
  readonly pseudo: Readonly<Record<string, string>>;
  /** The local value of a resource reference (`Ref`, or `Fn::GetAtt` with `attribute`), if the simulator has one. */
  readonly standIn?: (logicalId: string, attribute?: string) => string | undefined;
}

const ok = (value: unknown): Resolved => ({ ok: true, value });
const no = (why: string): Resolved => ({ ok: false, why });

/** Resolves `value` (see the module comment). */
export function resolve(value: unknown, ctx: ResolveContext): Resolved {
  if (value === null || typeof value !== 'object') return ok(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const r = resolve(item, ctx);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return intrinsic(entries[0][0], entries[0][1], ctx);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const r = resolve(item, ctx);
    if (!r.ok) return r;
    out[key] = r.value;
  }
  return ok(out);
}

function ref(name: string, ctx: ResolveContext): Resolved {
  if (name in ctx.pseudo) return ok(ctx.pseudo[name]);
  const parameter = ctx.parameters[name];
  if (parameter) {
    if (parameter.Default === undefined) return no(`the parameter ${name} has no default value`);
    return ok(/^(CommaDelimitedList|List<)/.test(parameter.Type ?? '') ? String(parameter.Default).split(',').map((s) => s.trim()) : parameter.Default);
  }
  const standIn = ctx.standIn?.(name);
  if (standIn !== undefined) return ok(standIn);
  return ctx.resources[name] ? no(`{ Ref: ${name} } (a ${ctx.resources[name].Type}) is known only after deployment`) : no(`{ Ref: ${name} } names nothing in the template`);
}

function intrinsic(name: string, arg: unknown, ctx: ResolveContext): Resolved {
  switch (name) {
    case 'Ref':
      return typeof arg === 'string' ? ref(arg, ctx) : no('Ref takes a name');
    case 'Fn::GetAtt': {
      const [id, attribute] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split('.') : [];
      const standIn = typeof id === 'string' ? ctx.standIn?.(id, String(attribute)) : undefined;
      return standIn !== undefined ? ok(standIn) : no(`{ Fn::GetAtt: [${id}, ${attribute}] } is known only after deployment`);
    }
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2) return no('Fn::Join takes [delimiter, list]');
      const list = resolve(arg[1], ctx);
      if (!list.ok) return list;
      return Array.isArray(list.value) ? ok(list.value.map(String).join(String(arg[0]))) : no('Fn::Join takes a list');
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) return no('Fn::Select takes [index, list]');
      const list = resolve(arg[1], ctx);
      if (!list.ok) return list;
      return Array.isArray(list.value) && Number(arg[0]) in list.value ? ok(list.value[Number(arg[0])]) : no('Fn::Select index is out of range');
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2) return no('Fn::Split takes [delimiter, string]');
      const text = resolve(arg[1], ctx);
      return text.ok ? ok(String(text.value).split(String(arg[0]))) : text;
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof template !== 'string') return no('Fn::Sub takes a string');
      let failure: Resolved | undefined;
      const text = template.replace(/\$\{([^}!][^}]*)\}/g, (_, key: string) => {
        const local = (variables as Record<string, unknown>)[key];
        const r = local !== undefined ? resolve(local, ctx) : key.includes('.') ? intrinsic('Fn::GetAtt', key.split('.'), ctx) : ref(key, ctx);
        if (!r.ok) failure ??= r;
        return r.ok ? String(r.value) : '';
      }).replace(/\$\{!/g, '${');
      return failure ?? ok(text);
    }
    default:
      return no(`${name} is not evaluated before deployment here`);
  }
}
