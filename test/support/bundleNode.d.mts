export function bundleForNode(options: { entry: string; outfile: string; banner?: string }): Promise<string>;
