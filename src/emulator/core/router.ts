/** Routes by (X-TC-Version, X-TC-Action): CVM and CBS share 2017-03-12 but no action names; TAT is 2020-10-28. */
import { ApiError } from './errors';
import type { ActionDef } from './context';

export class Router {
  private readonly routes = new Map<string, ActionDef>();
  private readonly versions = new Set<string>();

  add(defs: ActionDef[]): this {
    for (const def of defs) {
      const key = `${def.version}/${def.action}`;
      if (this.routes.has(key)) throw new Error(`duplicate route ${key}`);
      this.routes.set(key, def);
      this.versions.add(def.version);
    }
    return this;
  }

  resolve(version: string | undefined, action: string | undefined): ActionDef {
    if (!action) throw new ApiError('MissingParameter', 'The request is missing the `X-TC-Action` header.');
    if (!version) throw new ApiError('MissingParameter', 'The request is missing the `X-TC-Version` header.');
    const def = this.routes.get(`${version}/${action}`);
    if (def) return def;
    if (!this.versions.has(version))
      throw new ApiError('NoSuchVersion', `The API version \`${version}\` does not exist.`);
    throw new ApiError('InvalidAction', `The action \`${action}\` does not exist for version ${version}.`);
  }

  all(): ActionDef[] {
    return [...this.routes.values()];
  }
}
