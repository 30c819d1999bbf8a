declare const RIG_BUILD: string | undefined;

// The identity of this build of rig (a hash of its sources, set by the bundler), or undefined when running from sources.
export const BUILD_ID: string | undefined = typeof RIG_BUILD === 'string' ? RIG_BUILD : undefined;
