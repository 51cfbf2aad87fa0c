/** The uplink policy in the form the library generator takes. */
import { defaultUplinkPolicies, type UplinkPolicy } from '@murmur/codegen';
import { MurmurError } from '@murmur/core';
import type { MurmurApp } from './app';

export function libraryPolicy(app: MurmurApp): UplinkPolicy {
  const policy = defaultUplinkPolicies[app.id];
  if (!policy) throw new MurmurError(`no library uplink policy for app '${app.id}'`, { field: 'uplink' });
  return policy;
}
