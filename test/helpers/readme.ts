/** The README's "## Walkthrough" section as the tests run it: its ```sh and ```ts blocks, in order. */
export function walkthroughBlocks(markdown: string, source = 'README.md'): { sh: string[]; ts: string[] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^## Walkthrough\s*$/.test(l));
  if (start < 0) throw new Error(`${source} has no "## Walkthrough" section (the walkthrough lives there)`);
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  const section = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  const blocks = { sh: [] as string[], ts: [] as string[] };
  for (const m of section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    if (m[1] === 'sh' || m[1] === 'ts') blocks[m[1]].push(m[2]);
  }
  return blocks;
}
