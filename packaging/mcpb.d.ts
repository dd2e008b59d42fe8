// Types of packaging/mcpb.js (plain JavaScript: `npm run bundle` runs without tsx).
export declare function manifest(platform?: NodeJS.Platform): Record<string, unknown>;
export declare function ignored(target?: string): string[];
export declare function buildBundle(options: { installed?: string; out?: string }): Promise<string>;
